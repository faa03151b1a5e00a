import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file to create: text (mode 0644), an executable script (0755), a folder, or a symlink. */
export type Entry = string | { exec: string } | { dir: true } | { link: string };

export const script = (body = 'echo OK; exit 0'): Entry => ({ exec: `#!/bin/sh\n${body}\n` });

/** Creates `files` (paths relative to `dir`). */
export async function writeTree(dir: string, files: Readonly<Record<string, Entry>>): Promise<void> {
  for (const [path, entry] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'string') {
      await writeFile(target, entry);
      await chmod(target, 0o644);
    } else if ('exec' in entry) {
      await writeFile(target, entry.exec);
      await chmod(target, 0o755);
    } else if ('dir' in entry) {
      await mkdir(target, { recursive: true });
    } else {
      await symlink(entry.link, target);
    }
  }
}

/** A fresh temporary folder (symlinks resolved, e.g. macOS /var → /private/var) and its cleanup. */
export async function tempRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'healops-manifest-')));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
