import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

const SHEBANG = Buffer.from('#!');
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * The kernel refuses to exec a file that is neither a `#!` script nor a binary (ENOEXEC), but glibc's execvp
 * (used by older libuv, Node 20) then silently runs it with /bin/sh, while newer libuv (Node 22) reports
 * ENOEXEC. To behave the same everywhere, a file path that is a readable regular file starting with neither
 * `#!` nor the ELF magic is reported as ENOEXEC before spawning.
 * Returns true when that is the case; false when the file looks executable or cannot be inspected (exec then
 * reports its own error, e.g. ENOENT or EACCES). Bare command names (no `/`) are left to the PATH search.
 *
 * Only regular files are opened: open() on a FIFO blocks until a writer appears, which would hang the run
 * before its timeout even starts. A FIFO, device or directory returns false here, and exec then refuses it
 * at once with EACCES. The open is non-blocking as well, in case the path is swapped between stat and open.
 */
export async function lacksExecFormat(command: string, cwd: string | undefined): Promise<boolean> {
  if (!command.includes('/')) return false;
  const path = resolve(cwd ?? process.cwd(), command);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    if (!(await stat(path)).isFile()) return false;
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!(await handle.stat()).isFile()) return false;
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    const start = head.subarray(0, bytesRead);
    return !(start.subarray(0, 2).equals(SHEBANG) || start.equals(ELF_MAGIC));
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
