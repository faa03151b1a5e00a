import { describe, expect, it } from 'vitest';
import { interpretExecution } from '../src/engine/interpret.js';
import { exec } from './support/doubles.js';
import { KEY } from './support/fixtures.js';

const AT = new Date('2026-01-01T00:00:00Z');

describe('interpretExecution (Nagios plugin contract)', () => {
  it.each([
    { name: 'exit 0', result: exec(0, 'OK - fine | a=1'), status: 'ok', reason: undefined },
    { name: 'exit 1', result: exec(1, 'WARN - meh'), status: 'warning', reason: undefined },
    { name: 'exit 2', result: exec(2, 'CRIT - down'), status: 'critical', reason: undefined },
    { name: 'exit 3', result: exec(3, 'UNKNOWN - no tool'), status: 'unknown', reason: undefined },
    { name: 'exit 7', result: exec(7, 'weird'), status: 'unknown', reason: 'bad-exit-code' },
    { name: 'timeout', result: exec(null, '', { timedOut: true }), status: 'unknown', reason: 'timeout' },
    { name: 'killed', result: exec(null, '', { signal: 'SIGKILL' }), status: 'unknown', reason: 'killed' },
    {
      name: 'spawn error',
      result: exec(null, '', { spawnError: 'ENOENT: /x not found' }),
      status: 'unknown',
      reason: 'spawn-error',
    },
    {
      name: 'binary output with NUL',
      result: exec(2, 'ab\u0000cd', { binary: true }),
      status: 'unknown',
      reason: 'unparsable-output',
    },
    {
      name: 'binary stderr when stdout is empty',
      result: exec(2, '', { stderr: 'x\u0000y', binary: true }),
      status: 'unknown',
      reason: 'unparsable-output',
    },
    {
      name: 'invalid UTF-8 (replaced) keeps the exit status',
      result: exec(2, 'DISK CRITICAL - Gr\uFFFDsse | a=1', { binary: true }),
      status: 'critical',
      reason: undefined,
    },
  ])('$name -> $status', ({ result, status, reason }) => {
    const run = interpretExecution(KEY, result, AT);
    expect(run.status).toBe(status);
    expect(run.unknownReason).toBe(reason);
  });

  it('parses summary, long output and perfdata from both places', () => {
    const run = interpretExecution(
      KEY,
      exec(0, 'OK - all good | a=1s;2;3\nline two\nline three | b=5%\nc=7'),
      AT,
    );
    expect(run.summary).toBe('OK - all good');
    expect(run.longOutput).toContain('line two');
    expect(run.perfdata.map((p) => p.label)).toEqual(['a', 'b', 'c']);
  });

  it('falls back to stderr, then to a placeholder, for the summary', () => {
    expect(interpretExecution(KEY, exec(2, '', { stderr: 'boom\nmore' }), AT).summary).toBe('boom');
    expect(interpretExecution(KEY, exec(2, ''), AT).summary).toBe('(no output returned from plugin)');
  });

  it('names the cause of an UNKNOWN in the summary', () => {
    const run = interpretExecution(KEY, exec(null, 'partial', { timedOut: true, durationMs: 1000 }), AT);
    expect(run.summary).toMatch(/^UNKNOWN - timed out after 1000 ms/);
  });
});
