import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PATH, LocalExecutor, LocalExecutorOptionsError } from '../src/index.js';
import { request, useExecutorSandbox } from './support/executor-sandbox.js';

// LocalExecutor: exit codes and output, environment, stdin, start failures and options. Timeouts, aborts,
// process groups and output limits: local-executor-limits.test.ts.

const sandbox = useExecutorSandbox();
const { script } = sandbox;
const executor = new LocalExecutor();

describe('LocalExecutor exit codes and output', () => {
  it.each([0, 1, 2, 3, 7])('reports exit code %i with its output', async (code) => {
    const path = await script(`exit-${code}`, `#!/bin/sh\necho "status ${code}"\nexit ${code}\n`);
    const result = await executor.run(request([path]));
    expect(result).toMatchObject({
      exitCode: code,
      signal: null,
      timedOut: false,
      stdout: `status ${code}\n`,
      stderr: '',
      truncated: false,
      binary: false,
    });
    expect(result.spawnError).toBeUndefined();
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('captures stdout and stderr separately and passes arguments without a shell', async () => {
    const path = await script('streams', '#!/bin/sh\necho "out:$1"\necho "err:$2" >&2\n');
    const result = await executor.run(request([path, 'a b', '$HOME;*']));
    expect(result.stdout).toBe('out:a b\n');
    expect(result.stderr).toBe('err:$HOME;*\n');
    expect(result.exitCode).toBe(0);
  });

  it('runs in the requested cwd', async () => {
    const sub = join(sandbox.dir, 'cwd-sub');
    await mkdir(sub, { recursive: true });
    const path = await script('pwd', '#!/bin/sh\npwd\n');
    const result = await executor.run(request([path], { cwd: sub }));
    expect(result.stdout).toBe(`${sub}\n`);
  });

  it('starts the child as the leader of its own process group', async () => {
    const path = await script('pgrp', '#!/bin/sh\necho "$$ $(cut -d" " -f5 /proc/$$/stat)"\n');
    const result = await executor.run(request([path]));
    const [pid, pgrp] = result.stdout.trim().split(' ');
    expect(pid).toMatch(/^\d+$/);
    expect(pgrp).toBe(pid);
    expect(Number(pgrp)).not.toBe(process.pid);
  });

  it('reports a process killed by a signal it did not get from us', async () => {
    const path = await script('self-kill', '#!/bin/sh\necho before\nkill -KILL $$\n');
    const result = await executor.run(request([path]));
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false, stdout: 'before\n' });
  });
});

describe('LocalExecutor environment', () => {
  const secretKey = 'HEALOPS_TEST_SECRET_TOKEN';

  afterEach(() => {
    delete process.env[secretKey];
  });

  it('passes request env and the minimal base, but not the rest of process.env', async () => {
    process.env[secretKey] = 'hunter2';
    const path = await script('env', '#!/bin/sh\nenv\n');
    const result = await executor.run(request([path], { env: { HEALOPS_CHECK: 'disk', LANG: 'C.UTF-8' } }));
    const lines = result.stdout.split('\n');
    expect(lines).toContain('HEALOPS_CHECK=disk');
    expect(lines).toContain('LANG=C.UTF-8');
    expect(lines.some((l) => l.startsWith('PATH='))).toBe(true);
    expect(result.stdout).not.toContain(secretKey);
    expect(result.stdout).not.toContain('hunter2');
  });

  it('inherits only the listed base variables from the configured base env', async () => {
    const path = await script('env-base', '#!/bin/sh\nenv\n');
    const local = new LocalExecutor({
      baseEnv: { HOME: '/home/ops', TZ: 'UTC', AWS_SECRET_ACCESS_KEY: 'nope', PATH: undefined },
    });
    const result = await local.run(request([path]));
    const names = result.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.slice(0, l.indexOf('=')));
    // PWD is added by the shell itself.
    expect(names.filter((n) => n !== 'PWD').sort()).toEqual(['HOME', 'PATH', 'TZ']);
    expect(result.stdout).toContain(`PATH=${DEFAULT_PATH}\n`);
    expect(result.stdout).toContain('HOME=/home/ops\n');
  });
});

describe('LocalExecutor stdin', () => {
  it('delivers request stdin', async () => {
    const path = await script('cat', '#!/bin/sh\ncat\n');
    const result = await executor.run(request([path], { stdin: 'hello\nworld\n' }));
    expect(result.stdout).toBe('hello\nworld\n');
    expect(result.exitCode).toBe(0);
  });

  it('closes stdin when none is given, so a reader does not hang', async () => {
    const path = await script('cat-empty', '#!/bin/sh\ncat\necho eof\n');
    const result = await executor.run(request([path], { timeoutMs: 20_000 }));
    expect(result).toMatchObject({ timedOut: false, exitCode: 0, stdout: 'eof\n' });
  });

  it('ignores a child that exits without reading a large stdin (EPIPE)', async () => {
    const path = await script('no-read', '#!/bin/sh\nexit 4\n');
    const result = await executor.run(request([path], { stdin: 'x'.repeat(8 * 1024 * 1024) }));
    expect(result).toMatchObject({ exitCode: 4, timedOut: false });
    expect(result.spawnError).toBeUndefined();
  });
});

describe('LocalExecutor start failures', () => {
  it.each([
    { name: 'missing file', setup: async () => join(sandbox.dir, 'does-not-exist'), errno: 'ENOENT' },
    { name: 'command not on PATH', setup: async () => 'healops-no-such-command-xyz', errno: 'ENOENT' },
    {
      name: 'file without execute permission',
      setup: () => script('not-executable', '#!/bin/sh\necho hi\n', 0o644),
      errno: 'EACCES',
    },
    {
      name: 'directory',
      setup: async () => {
        const path = join(sandbox.dir, 'a-directory');
        await mkdir(path, { recursive: true });
        return path;
      },
      errno: 'EACCES',
    },
    {
      name: 'script without a shebang',
      setup: () => script('no-shebang', 'echo ran-anyway\n'),
      errno: 'ENOEXEC',
    },
    { name: 'empty file', setup: () => script('empty', ''), errno: 'ENOEXEC' },
  ])('reports $name as a spawn error ($errno) without rejecting', async ({ setup, errno }) => {
    const command = await setup();
    const result = await executor.run(request([command]));
    expect(result).toMatchObject({ exitCode: null, signal: null, timedOut: false, stdout: '', stderr: '' });
    expect(result.spawnError).toContain(command);
    expect(result.spawnError).toContain(errno);
  });

  it('reports a missing cwd as a spawn error naming the cwd', async () => {
    const path = await script('cwd-missing', '#!/bin/sh\necho hi\n');
    const cwd = join(sandbox.dir, 'no-such-dir');
    const result = await executor.run(request([path], { cwd }));
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toContain(cwd);
    expect(result.spawnError).toContain('ENOENT');
  });

  it.each([
    { name: 'empty argv', argv: [], expected: /argv is empty/ },
    {
      name: 'NUL byte in an argument',
      argv: ['/bin/echo', 'a\u0000b'],
      expected: /cannot start \/bin\/echo/,
    },
  ])('reports $name as a spawn error', async ({ argv, expected }) => {
    const result = await executor.run(request(argv));
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(expected);
  });
});

describe('LocalExecutor options', () => {
  it.each([{ killGraceMs: -1 }, { drainGraceMs: Number.NaN }, { drainGraceMs: Number.POSITIVE_INFINITY }])(
    'rejects invalid options %o',
    (options) => {
      expect(() => new LocalExecutor(options)).toThrow(LocalExecutorOptionsError);
    },
  );
});
