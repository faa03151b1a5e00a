import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../src/index.js';
import { isGoneSoon, request, useExecutorSandbox, waitForFile } from './support/executor-sandbox.js';

// LocalExecutor limits: timeouts, aborts and process groups, and output caps and encoding. Exit codes, environment,
// stdin, start failures and options: local-executor-run.test.ts.

const sandbox = useExecutorSandbox();
const { script, pidsIn } = sandbox;
const executor = new LocalExecutor();

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
    const ready = join(sandbox.dir, 'abort-children-ready');
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
    const marker = join(sandbox.dir, 'pre-aborted-ran');
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
