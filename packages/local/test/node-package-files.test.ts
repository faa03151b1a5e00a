import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodePackageFiles } from '../src/node-package-files.js';

const files = new NodePackageFiles();
let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'healops-files-')));
  await mkdir(join(root, 'pkg/checks'), { recursive: true });
  await writeFile(join(root, 'pkg/checks/run.sh'), '#!/bin/sh\nexit 0\n');
  await chmod(join(root, 'pkg/checks/run.sh'), 0o755);
  await writeFile(join(root, 'pkg/notes.txt'), 'héllo\n');
  await chmod(join(root, 'pkg/notes.txt'), 0o644);
  await symlink('checks/run.sh', join(root, 'pkg/link.sh'));
  await symlink('nowhere.sh', join(root, 'pkg/dangling.sh'));
  await symlink('loop-b', join(root, 'pkg/loop-a'));
  await symlink('loop-a', join(root, 'pkg/loop-b'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('NodePackageFiles.stat', () => {
  it.each([
    { path: 'pkg/checks/run.sh', kind: 'file', executable: true, real: 'pkg/checks/run.sh' },
    { path: 'pkg/notes.txt', kind: 'file', executable: false, real: 'pkg/notes.txt' },
    { path: 'pkg/checks', kind: 'directory', executable: false, real: 'pkg/checks' },
    { path: 'pkg/link.sh', kind: 'file', executable: true, real: 'pkg/checks/run.sh' },
    { path: 'pkg/checks/../notes.txt', kind: 'file', executable: false, real: 'pkg/notes.txt' },
  ])('describes $path as a $kind (executable: $executable)', async ({ path, kind, executable, real }) => {
    expect(await files.stat(join(root, path))).toEqual({ kind, executable, realPath: join(root, real) });
  });

  it('reports /dev/null as other', async () => {
    expect((await files.stat('/dev/null'))?.kind).toBe('other');
  });

  it.each(['pkg/missing.sh', 'pkg/dangling.sh', 'pkg/loop-a', 'pkg/notes.txt/child'])(
    'returns undefined for %s',
    async (path) => {
      expect(await files.stat(join(root, path))).toBeUndefined();
    },
  );
});

describe('NodePackageFiles.readText and listDir', () => {
  it('reads UTF-8 text', async () => {
    expect(await files.readText(join(root, 'pkg/notes.txt'))).toBe('héllo\n');
  });

  it('rejects when a file cannot be read', async () => {
    await expect(files.readText(join(root, 'pkg/missing.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('lists entry names sorted', async () => {
    expect(await files.listDir(join(root, 'pkg'))).toEqual([
      'checks',
      'dangling.sh',
      'link.sh',
      'loop-a',
      'loop-b',
      'notes.txt',
    ]);
  });
});
