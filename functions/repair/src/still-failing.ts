import {
  type CheckFailedDetail,
  type CheckRun,
  type CheckState,
  decide,
  isFailure,
  isInMaintenance,
  leaseHeldElsewhere,
  type ResolvedCheck,
} from '@healops/core';

/** Why a Check Failed event is not acted on: the state no longer shows that failure as waiting for a repair. */
export const SKIP_REASONS = [
  'unknown-check',
  'no-repair',
  'no-state',
  'state-behind',
  'passed-since',
  'lease-held',
  'already-repaired',
  'not-repairable-now',
] as const;
export type RepairSkipReason = (typeof SKIP_REASONS)[number];

export interface Skip {
  readonly reason: RepairSkipReason;
  readonly detail: string;
}

export interface StillFailingInput {
  readonly detail: CheckFailedDetail;
  readonly check: ResolvedCheck;
  /** The state as stored now (strongly consistent read). */
  readonly state: CheckState | undefined;
  /** The failing run of the event. */
  readonly run: CheckRun;
  readonly now: Date;
  readonly owner: string;
  /** Names of the check's dependsOn parents failing on this target now. */
  readonly failingParents: readonly string[];
}

/**
 * Whether the stored state still shows the event's failure waiting for a repair; the reason to skip otherwise.
 * A later failing result does not make the event stale (the failure stands); a later passing or UNKNOWN result, a
 * repair lease held by another runner, repair rounds spent since the event, or a policy that now forbids the repair
 * (maintenance, a failing parent, flapping, budget, report-only) do.
 */
export function skipReason(input: StillFailingInput): Skip | undefined {
  const { detail, check, state, now } = input;
  if (state === undefined) return { reason: 'no-state', detail: 'no state is stored for this target' };
  if (
    state.version < detail.stateVersion ||
    state.lastRunAt === null ||
    Date.parse(state.lastRunAt) < Date.parse(detail.runAt)
  ) {
    return {
      reason: 'state-behind',
      detail: `the stored state (version ${state.version}, last run ${state.lastRunAt ?? 'never'}) is older than the event (version ${detail.stateVersion}, run ${detail.runAt})`,
    };
  }
  if (
    state.lastStatus === null ||
    state.lastStatus === 'unknown' ||
    !isFailure(state.lastStatus, check.failOn)
  ) {
    return {
      reason: 'passed-since',
      detail: `a later result is ${state.lastStatus ?? 'missing'} (run ${state.lastRunAt})`,
    };
  }
  if (leaseHeldElsewhere(state, now, input.owner)) {
    return {
      reason: 'lease-held',
      detail: `a repair is in progress by ${state.repairLeaseOwner ?? 'another runner'} (lease until ${state.repairLeaseUntil})`,
    };
  }
  const used = detail.repair?.attemptsUsed ?? 0;
  if (state.incidentRepairs > used || state.repairLeaseUntil !== null) {
    return {
      reason: 'already-repaired',
      detail: `${state.incidentRepairs} repair round(s) of this failure were started (${used} when the event was sent)`,
    };
  }
  const verdict = decide(state, input.run, {
    now,
    check,
    failingParents: input.failingParents,
    maintenance: isInMaintenance(check.maintenance, now),
    dryRun: false,
  });
  if (verdict.kind !== 'repair') {
    const why = 'detail' in verdict ? `${verdict.kind}: ${verdict.detail}` : verdict.kind;
    return { reason: 'not-repairable-now', detail: why };
  }
  return undefined;
}
