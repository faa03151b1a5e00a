import { constants } from 'node:fs';
import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { PackageFileInfo, PackageFiles } from '@healops/core';

const ABSENT_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

function isAbsent(error: unknown): boolean {
  return error instanceof Error && 'code' in error && ABSENT_CODES.has(String(error.code));
}

async function canExecute(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PackageFiles on the local file system. `stat` follows symlinks; a dangling or looping link counts as absent. */
export class NodePackageFiles implements PackageFiles {
  async readText(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  async stat(path: string): Promise<PackageFileInfo | undefined> {
    try {
      const info = await stat(path);
      const kind = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
      return {
        kind,
        executable: kind === 'file' && (await canExecute(path)),
        realPath: await realpath(path),
      };
    } catch (error) {
      if (isAbsent(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async listDir(path: string): Promise<string[]> {
    return (await readdir(path)).sort();
  }
}
