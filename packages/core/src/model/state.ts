import type { CheckKey } from './check.js';
import type { Severity, StatusName } from './status.js';

/** An open problem: a hard failure HealOps could not (or was not allowed to) repair. Closed by a later OK. */
export interface Problem {
  /** Stable per (package, check, target) problem; survives restarts. */
  readonly dedupKey: string;
  readonly openedAt: string;
  readonly severity: Severity;
  /** Why it was escalated: a SkipReason, or 'repair-failed'. */
  readonly reason: string;
  readonly lastStatus: StatusName;
  readonly lastOutput: string;
  readonly updatedAt: string;
  readonly occurrences: number;
}

/** Persistent lifecycle state of one (package, check, target). */
export interface CheckState {
  readonly key: CheckKey;
  /** Optimistic-concurrency version; a store rejects a save whose expected version is stale. */
  readonly version: number;
  readonly lastStatus: StatusName | null;
  readonly lastRunAt: string | null;
  /** Consecutive failing results (critical, or warning with failOn: warning). */
  readonly consecutiveFailures: number;
  readonly consecutiveUnknowns: number;
  /** Status codes of the most recent results, oldest first, at most 21 (Nagios flap window). */
  readonly history: readonly number[];
  readonly flapping: boolean;
  /** ISO times of repair rounds started (for budgets), pruned to the budget window. */
  readonly repairTimes: readonly string[];
  /** Consecutive repair rounds that did not fix the check (for backoff). */
  readonly failedRepairStreak: number;
  readonly problem: Problem | null;
  /** Repair rounds spent on the current hard failure (maxAttempts applies to it); 0 again once the check passes. */
  readonly incidentRepairs: number;
  /** ISO time until which one runner holds the right to repair this target (null = free). */
  readonly repairLeaseUntil: string | null;
  /** Who holds the lease (e.g. `local:<host>:<pid>`), so a lease left by a dead process can be broken early. */
  readonly repairLeaseOwner: string | null;
}

export const AUDIT_EVENTS = [
  'check-result',
  'soft-fail',
  'hard-fail',
  'repair-skipped',
  'repair-started',
  'repair-finished',
  'verify-result',
  'recovered',
  'escalated',
  'problem-updated',
  'suppressed',
  'flapping-started',
  'flapping-stopped',
  'skipped',
  'ticket-delivered',
  'ticket-dead',
  'alarm',
] as const;
export type AuditEventType = (typeof AUDIT_EVENTS)[number];

export interface AuditEvent {
  readonly time: string;
  readonly type: AuditEventType;
  readonly key: CheckKey;
  readonly status?: StatusName;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}
