import type { CheckResult, CheckRunResult, CheckSkippedResult } from '../../src/check-result.js';

/** The result of an invocation that ran; throws (failing the test) on a skipped one, naming why it skipped. */
export function ran(result: CheckResult): CheckRunResult {
  if (result.status !== 'done')
    throw new Error(`the invocation skipped: ${result.reason} (${result.detail})`);
  return result;
}

/** The result of an invocation that skipped; throws (failing the test) on one that ran. */
export function skipped(result: CheckResult): CheckSkippedResult {
  if (result.status !== 'skipped')
    throw new Error(`the invocation ran (correlation id ${result.correlationId})`);
  return result;
}
