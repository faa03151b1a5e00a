import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecRequest } from '@healops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../src/index.js';

let dir: string;
const fifos: string[] = [];

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'healops-nonregular-')));
});

afterEach(async () => {
  // Should a reader ever block in open() on one of these FIFOs, a writer that opens and closes releases it, so a
  // failing test cannot leave a stuck thread behind.
  for (const fifo of fifos.splice(0)) {
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writer?.close();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function mkfifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
}

function request(argv: string[]): ExecRequest {
  // The long timeout is what a hang would run into; the test's own limit (below) is far shorter.
  const job = { package: 'test', id: 'check:test' };
  return { target: 'local', job, argv, env: {}, timeoutMs: 120_000, maxOutputBytes: 64 * 1024 };
}

const executor = new LocalExecutor();

describe('LocalExecutor with a command that is not a regular file', () => {
  it.each([
    { name: 'a FIFO', setup: async () => mkfifo('a-fifo') },
    {
      name: 'a symlink to a FIFO',
      setup: async () => {
        const link = join(dir, 'link-to-fifo');
        await symlink(mkfifo('linked-fifo'), link);
        return link;
      },
    },
    { name: 'a character device', setup: async () => '/dev/null' },
    {
      name: 'a directory',
      setup: async () => {
        const path = join(dir, 'a-dir');
        await mkdir(path, { recursive: true });
        return path;
      },
    },
  ])('reports $name as a spawn error at once instead of blocking', { timeout: 10_000 }, async ({ setup }) => {
    const command = await setup();

    const result = await executor.run(request([command]));

    expect(result).toMatchObject({ exitCode: null, signal: null, timedOut: false, stdout: '', stderr: '' });
    expect(result.spawnError).toContain(command);
    expect(result.spawnError).toContain('EACCES');
    expect(result.spawnError).toContain('not a regular file');
  });
});
