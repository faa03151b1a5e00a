import type { FleetOutcome } from '@healops/core';

/** What an invocation that ran (or a duplicate answered from that run's idempotency record) answers. */
export interface CheckRunResult {
  readonly status: 'done';
  readonly package: string;
  readonly schedule: string;
  readonly correlationId: string;
  /** 0 for a scheduled run, n for its n-th continuation. */
  readonly continuation: number;
  readonly counts: Record<FleetOutcome, number>;
  readonly published: number;
  /** The first CHECK_DEFAULTS.resultErrors results that could not be processed (the log has them all). */
  readonly errors: readonly string[];
  /** Results that could not be processed, all of them. */
  readonly errorCount: number;
  /** Invocations still pending: a `HealOps Check Continue` event carries them on. */
  readonly pending: number;
  readonly continued: boolean;
}

/** Why an invocation did not run: the same scheduled run (or continuation) is running in another invocation. */
export const CHECK_SKIP_REASONS = ['duplicate-in-progress'] as const;
export type CheckSkipReason = (typeof CHECK_SKIP_REASONS)[number];

/** A duplicate invocation that did not run: answered (not thrown) so Lambda does not retry it. */
export interface CheckSkippedResult {
  readonly status: 'skipped';
  readonly reason: CheckSkipReason;
  readonly detail: string;
  readonly package: string;
  readonly schedule: string;
  readonly continuation: number;
}

/** What an invocation answers (and logs). */
export type CheckResult = CheckRunResult | CheckSkippedResult;
