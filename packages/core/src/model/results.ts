import type { PerfDatum } from '../nagios/types.js';
import type { CheckKey } from './check.js';
import type { StatusName } from './status.js';

/** What an Executor reports for one process run. */
export interface ExecResult {
  /** null when the process did not exit normally (killed, timed out, failed to start). */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** stdout decoded as UTF-8 (invalid sequences replaced), capped at the request's maxOutputBytes. */
  readonly stdout: string;
  readonly stderr: string;
  /** true when stdout or stderr was cut at the cap. */
  readonly truncated: boolean;
  /** true when the output was not valid UTF-8 or held NUL bytes. */
  readonly binary: boolean;
  readonly durationMs: number;
  /** Set when the process could not be started (ENOENT, EACCES, ...). */
  readonly spawnError?: string;
}

export const UNKNOWN_REASONS = [
  'timeout',
  'spawn-error',
  'bad-exit-code',
  'killed',
  'unparsable-output',
] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

/** One check execution interpreted through the Nagios plugin contract. */
export interface CheckRun {
  readonly key: CheckKey;
  readonly status: StatusName;
  readonly exitCode: number | null;
  readonly summary: string;
  readonly longOutput: string;
  readonly output: string;
  readonly perfdata: readonly PerfDatum[];
  readonly perfdataErrors: readonly string[];
  readonly unknownReason?: UnknownReason;
  readonly truncated: boolean;
  readonly durationMs: number;
  /** ISO-8601 time the run started. */
  readonly startedAt: string;
}

export const OUTCOMES = [
  'ok',
  'soft-fail',
  'recovered',
  'escalated',
  'suppressed',
  'unknown',
  'skipped',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SKIP_REASONS = [
  'unknown-status',
  'flapping',
  'maintenance',
  'dependency',
  'budget',
  'report-only',
  'no-repair',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface RepairAttempt {
  readonly attempt: number;
  readonly startedAt: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly output: string;
  /** Status of the verifying re-check; null when the repair failed and no re-check ran. */
  readonly verifyStatus: StatusName | null;
  readonly succeeded: boolean;
}

export interface RepairReport {
  readonly attempted: boolean;
  readonly succeeded: boolean;
  readonly skippedReason: SkipReason | null;
  readonly attempts: readonly RepairAttempt[];
}

export interface MetricPoint {
  /** ISO-8601 */
  readonly time: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Final word on one (check, target) in one cycle. */
export interface CheckOutcome {
  readonly key: CheckKey;
  readonly kind: 'check' | 'stats';
  /** Status at the end of the cycle (after verification when a repair ran). */
  readonly status: StatusName;
  /** Status of the first run in this cycle. */
  readonly initialStatus: StatusName;
  readonly outcome: Outcome;
  readonly repair: RepairReport;
  readonly metrics: readonly MetricPoint[];
  /** First line of the final run's output, without perfdata. */
  readonly summary: string;
  readonly output: string;
  /** The output was cut at the capture limit (in any run of this cycle). */
  readonly truncated: boolean;
  /** Perfdata items of the final run that did not parse (the rest were recorded). */
  readonly perfdataErrors: readonly string[];
  readonly durationMs: number;
  /** Human-readable reason for skipped/suppressed/unknown outcomes. */
  readonly detail?: string;
}
