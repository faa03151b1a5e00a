import { type CheckFailedDetail, type CheckKey, type CheckRun, parsePluginOutput } from '@healops/core';

/** The key of the (check, target) a Check Failed event is about. */
export function eventKey(detail: CheckFailedDetail): CheckKey {
  return { package: detail.package, check: detail.check, target: detail.target };
}

/**
 * The failing run as the event carries it: what the repair reads (status, exit code, output on stdin and in
 * HEALOPS_CHECK_*) and what a ticket shows. Perfdata and long output are read again from the output excerpt.
 */
export function failedRunOf(detail: CheckFailedDetail): CheckRun {
  const parsed = parsePluginOutput(detail.output);
  return {
    key: eventKey(detail),
    status: detail.status,
    exitCode: detail.exitCode,
    summary: detail.summary,
    longOutput: parsed.longOutput,
    output: detail.output,
    perfdata: parsed.perfdata,
    perfdataErrors: parsed.perfdataErrors,
    truncated: detail.outputTruncated,
    durationMs: detail.durationMs,
    startedAt: detail.runAt,
  };
}
