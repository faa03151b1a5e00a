import { chmod, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecRequest } from '@healops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PATH, LocalExecutor, LocalExecutorOptionsError } from '../src/index.js';

let dir: string;
const strayPids = new Set<number>();

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'healops-exec-')));
});

afterEach(() => {
  // Safety net so a failing test does not leave `sleep 300` behind.
  for (const pid of strayPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  strayPids.clear();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body);
  await chmod(path, mode);
  return path;
}

function request(argv: string[], extra: Partial<ExecRequest> = {}): ExecRequest {
  const job = { package: 'test', id: 'check:test' };
  return { target: 'local', job, argv, env: {}, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024, ...extra };
}

/** Running = signalable and not a zombie (an exited child reparented to a PID 1 that never reaps it). */
async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; a signal is asynchronous, so give it a moment (bounded). */
async function isGoneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await isRunning(pid))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never appeared`);
}

function pidsIn(text: string): number[] {
  const pids = [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
  for (const pid of pids) strayPids.add(pid);
  return pids;
}

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
    const sub = join(dir, 'cwd-sub');
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

describe('LocalExecutor timeouts, aborts and process groups', () => {
  it('on timeout SIGTERMs the whole process group', { timeout: 30_000 }, async () => {
    const path = await script(
      'timeout-children',
      '#!/bin/sh\nsleep 300 &\necho "pid=$!"\nsleep 300 &\necho "pid=$!"\nwait\n',
    );
    const result = await executor.run(request([path], { timeoutMs: 1500 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    const pids = pidsIn(result.stdout);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await isGoneSoon(pid)).toBe(true);
  });

  it('SIGKILLs a group that ignores SIGTERM after the grace', { timeout: 30_000 }, async () => {
    const path = await script(
      'ignore-term',
      '#!/bin/sh\ntrap \'\' TERM\nsleep 300 &\necho "pid=$!"\nwhile :; do sleep 1; done\n',
    );
    const local = new LocalExecutor({ killGraceMs: 300 });
    const result = await local.run(request([path], { timeoutMs: 1500 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    const pids = pidsIn(result.stdout);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(await isGoneSoon(pid)).toBe(true);
  });

  it('reports a process that traps SIGTERM and exits as timed out, without an exit code', async () => {
    const path = await script(
      'trap-exit',
      "#!/bin/sh\ntrap 'echo bye; exit 0' TERM\nwhile :; do sleep 0.1; done\n",
    );
    const result = await executor.run(request([path], { timeoutMs: 1500 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM', stdout: 'bye\n' });
  });

  it('on abort SIGTERMs the whole process group', { timeout: 30_000 }, async () => {
    const ready = join(dir, 'abort-children-ready');
    const path = await script(
      'abort-children',
      `#!/bin/sh\nsleep 300 &\necho "pid=$!"\ntouch '${ready}'\nwait\n`,
    );
    const controller = new AbortController();
    const running = executor.run(request([path], { timeoutMs: 60_000 }), controller.signal);
    await waitForFile(ready);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ timedOut: false, exitCode: null, signal: 'SIGTERM' });
    const pids = pidsIn(result.stdout);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(await isGoneSoon(pid)).toBe(true);
  });

  it('does not start anything when the signal is already aborted', async () => {
    const marker = join(dir, 'pre-aborted-ran');
    const path = await script('pre-aborted', `#!/bin/sh\ntouch '${marker}'\n`);
    const result = await executor.run(request([path]), AbortSignal.abort());
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(/aborted/);
    await expect(stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('returns when the main process exits although a background child keeps stdout open', {
    timeout: 30_000,
  }, async () => {
    const path = await script('background', '#!/bin/sh\nsleep 300 &\necho "pid=$!"\necho done\nexit 0\n');
    const result = await executor.run(request([path], { timeoutMs: 60_000 }));
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, signal: null });
    expect(result.stdout).toContain('done\n');
    expect(result.durationMs).toBeLessThan(10_000);
    const pids = pidsIn(result.stdout);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(await isGoneSoon(pid)).toBe(true);
  });

  it('keeps reading output a background child writes after the main process exited', async () => {
    const path = await script('late-writer', '#!/bin/sh\n(sleep 0.2; echo late) &\necho early\n');
    const local = new LocalExecutor({ drainGraceMs: 10_000 });
    const result = await local.run(request([path]));
    expect(result.stdout).toBe('early\nlate\n');
    expect(result.exitCode).toBe(0);
  });
});

describe('LocalExecutor output limits and encoding', () => {
  it('truncates huge output at the cap while letting the child finish', { timeout: 60_000 }, async () => {
    const path = await script(
      'huge',
      '#!/bin/sh\nyes | head -c 50000000\nyes | head -c 50000000 >&2\nexit 5\n',
    );
    const cap = 64 * 1024;
    const result = await executor.run(request([path], { maxOutputBytes: cap, timeoutMs: 50_000 }));
    expect(result).toMatchObject({ exitCode: 5, timedOut: false, truncated: true, binary: false });
    expect(result.stdout).toHaveLength(cap);
    expect(result.stderr).toHaveLength(cap);
    expect(result.stdout.startsWith('y\ny\n')).toBe(true);
  });

  it('does not report truncation when output fits exactly', async () => {
    const path = await script('exact', '#!/bin/sh\nprintf abcd\n');
    const result = await executor.run(request([path], { maxOutputBytes: 4 }));
    expect(result).toMatchObject({ stdout: 'abcd', truncated: false });
  });

  it.each([
    { name: 'two-byte char', bytes: String.raw`a\303\251`, cap: 2, expected: 'a' },
    { name: 'four-byte char', bytes: String.raw`ab\360\237\230\200`, cap: 5, expected: 'ab' },
    { name: 'cut after a whole char', bytes: String.raw`\303\251z`, cap: 2, expected: 'é' },
  ])('backs off to a character boundary at the cap ($name)', async ({ name, bytes, cap, expected }) => {
    const path = await script(`utf8-${name.replaceAll(' ', '-')}`, `#!/bin/sh\nprintf '${bytes}'\n`);
    const result = await executor.run(request([path], { maxOutputBytes: cap }));
    expect(result).toMatchObject({ stdout: expected, truncated: true, binary: false });
  });

  it('keeps binary output, replacing invalid UTF-8 and flagging it', async () => {
    const path = await script(
      'binary',
      String.raw`#!/bin/sh
printf '\377\376\000'
`,
    );
    const result = await executor.run(request([path]));
    expect(result.binary).toBe(true);
    expect(result.stdout).toBe('\uFFFD\uFFFD\u0000');
    expect(result.exitCode).toBe(0);
  });

  it('flags NUL bytes in otherwise valid UTF-8 as binary', async () => {
    const path = await script(
      'nul',
      String.raw`#!/bin/sh
printf 'a\000b' >&2
`,
    );
    const result = await executor.run(request([path]));
    expect(result).toMatchObject({ binary: true, stderr: 'a\u0000b', stdout: '' });
  });

  it('decodes valid multi-byte UTF-8 as text', async () => {
    const path = await script('utf8-ok', '#!/bin/sh\necho "disk ok – 42 % ✓"\n');
    const result = await executor.run(request([path]));
    expect(result).toMatchObject({ binary: false, stdout: 'disk ok – 42 % ✓\n' });
  });
});

describe('LocalExecutor start failures', () => {
  it.each([
    { name: 'missing file', setup: async () => join(dir, 'does-not-exist'), errno: 'ENOENT' },
    { name: 'command not on PATH', setup: async () => 'healops-no-such-command-xyz', errno: 'ENOENT' },
    {
      name: 'file without execute permission',
      setup: () => script('not-executable', '#!/bin/sh\necho hi\n', 0o644),
      errno: 'EACCES',
    },
    {
      name: 'directory',
      setup: async () => {
        const path = join(dir, 'a-directory');
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
    const cwd = join(dir, 'no-such-dir');
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
