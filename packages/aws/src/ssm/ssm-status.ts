import type { ExecResult } from '@healops/core';

// How an SSM Run Command invocation maps to what the engine reads through the Nagios contract. Success and Failed
// carry the script's exit code (ResponseCode): 0..3 are the plugin's status. Every other end state means the
// script did not run to its end on the host, so the result is UNKNOWN — never repaired — with the SSM status and
// its details as the reason.

/**
 * Invocation `Status` values after which nothing changes any more. The detailed end state (Undeliverable,
 * DeliveryTimedOut, ExecutionTimedOut, Terminated, InvalidPlatform, AccessDenied...) is in `StatusDetails`.
 */
export const SSM_TERMINAL_STATUSES = ['Success', 'Failed', 'Cancelled', 'TimedOut'] as const;
export type SsmTerminalStatus = (typeof SSM_TERMINAL_STATUSES)[number];

export function isTerminalStatus(status: string | undefined): status is SsmTerminalStatus {
  return SSM_TERMINAL_STATUSES.some((s) => s === status);
}

/** StatusDetails as a key: the API writes `DeliveryTimedOut`, the docs `Delivery Timed Out`. */
function detailKey(details: string): string {
  return details.replace(/\s+/g, '').toLowerCase();
}

/** What one finished invocation said, before output is fetched in full. */
export interface SsmOutcome {
  readonly status: SsmTerminalStatus;
  readonly statusDetails: string;
  /** The script's exit code; -1 or undefined when it did not run. */
  readonly responseCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /**
   * Either stream is not whole: cut by SSM (2,500 characters in a listing; 24,000 / 8,000 from
   * GetCommandInvocation) and not read from S3, or longer in S3 than the bound read.
   */
  readonly truncated: boolean;
  readonly durationMs: number;
  /** Why a stream SSM cut could not be read in full from the command's S3 output (the cut text was kept). */
  readonly outputProblem?: string;
}

/** The ExecResult the engine interprets (packages/core/src/engine/interpret.ts) for an SSM outcome. */
export function ssmExecResult(outcome: SsmOutcome): ExecResult {
  const base = {
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    truncated: outcome.truncated,
    binary: false,
    durationMs: outcome.durationMs,
  };
  const details = detailKey(outcome.statusDetails);
  if (details === 'executiontimedout' || (outcome.status === 'TimedOut' && details === 'timedout')) {
    return { ...base, exitCode: null, signal: null, timedOut: true };
  }
  if (details === 'cancelled' || details === 'canceled') {
    return { ...base, exitCode: null, signal: 'SSM Cancelled', timedOut: false };
  }
  const ran = details === 'success' || details === 'failed';
  if (ran && outcome.responseCode !== undefined && outcome.responseCode >= 0) {
    return { ...base, exitCode: outcome.responseCode, signal: null, timedOut: false };
  }
  return unran(base, outcome);
}

function unran(base: Omit<ExecResult, 'exitCode' | 'signal' | 'timedOut'>, outcome: SsmOutcome): ExecResult {
  const details =
    outcome.statusDetails && outcome.statusDetails !== outcome.status ? ` (${outcome.statusDetails})` : '';
  return {
    ...base,
    exitCode: null,
    signal: null,
    timedOut: false,
    spawnError: `SSM ${outcome.status}${details}: the script did not run to its end on the host`,
  };
}
