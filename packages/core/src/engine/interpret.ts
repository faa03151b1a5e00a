import type { CheckKey } from '../model/check.js';
import type { CheckRun, ExecResult, UnknownReason } from '../model/results.js';
import { statusFromExitCode } from '../model/status.js';
import { parsePluginOutput } from '../nagios/plugin-output.js';

function unknownReason(exec: ExecResult): { reason: UnknownReason; text: string } | undefined {
  if (exec.spawnError !== undefined) return { reason: 'spawn-error', text: exec.spawnError };
  if (exec.timedOut) return { reason: 'timeout', text: `timed out after ${Math.round(exec.durationMs)} ms` };
  if (exec.exitCode === null)
    return { reason: 'killed', text: `killed by signal ${exec.signal ?? 'unknown'}` };
  if (exec.exitCode < 0 || exec.exitCode > 3) {
    return {
      reason: 'bad-exit-code',
      text: `exit code ${exec.exitCode} is outside the plugin contract (0..3)`,
    };
  }
  // NUL bytes mean binary data, not plugin output. Merely invalid UTF-8 (a Latin-1 locale, say) is still read: the
  // decoder replaced the bad bytes, and the exit code is the plugin's word.
  const shown = exec.stdout.trim() === '' ? exec.stderr : exec.stdout;
  if (exec.binary && shown.includes('\u0000')) {
    return { reason: 'unparsable-output', text: 'output is binary (contains NUL bytes), not plugin text' };
  }
  return undefined;
}

/**
 * Reads one execution through the Nagios plugin contract. Anything HealOps cannot see clearly — a timeout, a
 * process that did not start or was killed, an exit code outside 0..3, binary output — is UNKNOWN, never a failure
 * that could trigger a repair.
 */
export function interpretExecution(key: CheckKey, exec: ExecResult, startedAt: Date): CheckRun {
  const problem = unknownReason(exec);
  const parsed = parsePluginOutput(problem?.reason === 'unparsable-output' ? '' : exec.stdout);
  const output = exec.stdout.trimEnd() || exec.stderr.trimEnd();
  const summary = problem
    ? `UNKNOWN - ${problem.text}${parsed.summary ? `: ${parsed.summary}` : ''}`
    : parsed.summary || firstLine(exec.stderr) || '(no output returned from plugin)';
  return {
    key,
    status: problem ? 'unknown' : statusFromExitCode(exec.exitCode),
    exitCode: exec.exitCode,
    summary,
    longOutput: parsed.longOutput,
    output,
    perfdata: parsed.perfdata,
    perfdataErrors: parsed.perfdataErrors,
    ...(problem ? { unknownReason: problem.reason } : {}),
    truncated: exec.truncated,
    durationMs: exec.durationMs,
    startedAt: startedAt.toISOString(),
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}
