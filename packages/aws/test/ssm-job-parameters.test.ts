import { decodeSsmJobEnv, ssmJobEnv, ssmStdin } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { SsmExecutorError } from '../src/ssm/ssm-executor-error.js';
import { fitJobParameters } from '../src/ssm/ssm-job-parameters.js';

const ENV = { HEALOPS_CHECK: 'svc-up', HEALOPS_TARGET: 'i-0123456789abcdef0' };

function stdinOf(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf8');
}

describe('fitJobParameters', () => {
  it.each([
    ['small values', { ...ENV, HEALOPS_CHECK_OUTPUT: 'down' }, '{"output":"down"}', 10_000],
    ['no output variable', ENV, '', 1_000],
    ['exactly the room', ENV, 'abc', ssmJobEnv(ENV).length + ssmStdin('abc').length],
  ])('sends %s unchanged', (_name, env, stdin, room) => {
    const fitted = fitJobParameters(env, stdin, room);
    expect(fitted.shortened).toEqual([]);
    expect(decodeSsmJobEnv(fitted.env)).toEqual(env);
    expect(stdinOf(fitted.stdin)).toBe(stdin);
  });

  it('cuts HEALOPS_CHECK_OUTPUT as little as needed before touching stdin', () => {
    const env = { ...ENV, HEALOPS_CHECK_OUTPUT: 'o'.repeat(5_000) };
    const stdin = JSON.stringify({ output: 'i'.repeat(1_000) });
    const room = 6_000;
    const fitted = fitJobParameters(env, stdin, room);
    expect(fitted.shortened).toEqual(['HEALOPS_CHECK_OUTPUT']);
    expect(fitted.env.length + fitted.stdin.length).toBeLessThanOrEqual(room);
    const output = decodeSsmJobEnv(fitted.env).HEALOPS_CHECK_OUTPUT ?? '';
    expect(output).toBe('o'.repeat(output.length));
    // One more character would not fit.
    const longer = { ...env, HEALOPS_CHECK_OUTPUT: 'o'.repeat(output.length + 3) };
    expect(ssmJobEnv(longer).length + fitted.stdin.length).toBeGreaterThan(room);
    expect(stdinOf(fitted.stdin)).toBe(stdin);
  });

  it('then cuts the output fields of the check run on stdin and marks it truncated', () => {
    const env = { ...ENV, HEALOPS_CHECK_OUTPUT: 'o'.repeat(2_000) };
    const stdin = JSON.stringify({
      status: 'critical',
      output: 'i'.repeat(4_000),
      longOutput: 'l'.repeat(3_000),
    });
    const fitted = fitJobParameters(env, stdin, 2_000);
    expect(fitted.shortened).toEqual(['HEALOPS_CHECK_OUTPUT', 'stdin']);
    expect(fitted.env.length + fitted.stdin.length).toBeLessThanOrEqual(2_000);
    expect(decodeSsmJobEnv(fitted.env).HEALOPS_CHECK_OUTPUT).toBe('');
    const run = JSON.parse(stdinOf(fitted.stdin)) as Record<string, string | boolean>;
    expect(run.status).toBe('critical');
    expect(run.truncated).toBe(true);
    expect(String(run.output).length).toBeGreaterThan(100);
    expect(String(run.output).length).toBeLessThan(4_000);
  });

  it('cuts a stdin that is not a check run as text', () => {
    const fitted = fitJobParameters(ENV, 'p'.repeat(3_000), 1_500);
    expect(fitted.shortened).toEqual(['stdin']);
    const text = stdinOf(fitted.stdin);
    expect(text).toBe('p'.repeat(text.length));
    expect(text.length).toBeGreaterThan(500);
  });

  it('refuses an environment too large without its output, naming sizes and names but no value', () => {
    const secret = `token-${'s'.repeat(3_000)}`;
    const attempt = () => fitJobParameters({ ...ENV, HEALOPS_PARAM_TOKEN: secret }, '', 1_000);
    expect(attempt).toThrow(SsmExecutorError);
    expect(attempt).toThrow(/HEALOPS_PARAM_TOKEN/);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('token-');
      expect(String((error as Error).message)).not.toContain(
        Buffer.from(secret).toString('base64').slice(0, 20),
      );
    }
  });
});
