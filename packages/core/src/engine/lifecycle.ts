import type { CheckKey, MaintenanceWindow, ResolvedCheck } from '../model/check.js';
import type { CheckRun, SkipReason } from '../model/results.js';
import type { AuditEvent, CheckState, Problem } from '../model/state.js';
import { STATUS_CODES, type StatusName } from '../model/status.js';
import { checkBudget } from './budget.js';
import { nextFlapping, percentStateChange, pushHistory } from './flap.js';

/** How much of a check's output a problem keeps (tickets show an excerpt; the audit trail has the rest). */
const PROBLEM_OUTPUT_LIMIT = 4096;

export function initialState(key: CheckKey): CheckState {
  return {
    key,
    version: 0,
    lastStatus: null,
    lastRunAt: null,
    consecutiveFailures: 0,
    consecutiveUnknowns: 0,
    history: [],
    flapping: false,
    repairTimes: [],
    failedRepairStreak: 0,
    problem: null,
    incidentRepairs: 0,
    repairLeaseUntil: null,
    repairLeaseOwner: null,
  };
}

/** Stable per (package, check, target): the same problem keeps the same key across runs and restarts. */
export function problemDedupKey(key: CheckKey): string {
  return `healops/${key.package}/${key.check}/${key.target}`;
}

/** CRITICAL is a failure; WARNING only when the check says `failOn: warning`. UNKNOWN is tracked apart. */
export function isFailure(status: StatusName, failOn: ResolvedCheck['failOn']): boolean {
  return status === 'critical' || (status === 'warning' && failOn === 'warning');
}

/** A parent "fails" for dependency suppression when it fails or cannot be seen. */
export function isFailingParent(status: StatusName | null, failOn: ResolvedCheck['failOn']): boolean {
  return status !== null && (status === 'unknown' || isFailure(status, failOn));
}

export interface Transition {
  readonly state: CheckState;
  readonly events: readonly AuditEvent[];
}

function event(
  state: CheckState,
  now: Date,
  type: AuditEvent['type'],
  message: string,
  detail?: Record<string, unknown>,
  status?: StatusName,
): AuditEvent {
  return {
    time: now.toISOString(),
    type,
    key: state.key,
    ...(status ? { status } : {}),
    message,
    ...(detail ? { detail } : {}),
  };
}

/** Folds one result into the counters and the flap history. */
export function recordResult(state: CheckState, run: CheckRun, check: ResolvedCheck, now: Date): Transition {
  const failing = isFailure(run.status, check.failOn);
  const unknown = run.status === 'unknown';
  const history = pushHistory(state.history, STATUS_CODES[run.status]);
  const percent = percentStateChange(history);
  const flapping = nextFlapping(state.flapping, percent, check.flap);
  const passing = !failing && !unknown;
  const next: CheckState = {
    ...state,
    // A passing result ends the hard failure: the next one gets maxAttempts fresh repair rounds.
    incidentRepairs: passing ? 0 : state.incidentRepairs,
    lastStatus: run.status,
    lastRunAt: run.startedAt,
    consecutiveFailures: failing ? state.consecutiveFailures + 1 : unknown ? state.consecutiveFailures : 0,
    consecutiveUnknowns: unknown ? state.consecutiveUnknowns + 1 : 0,
    history,
    flapping,
  };
  const events: AuditEvent[] = [];
  if (state.lastStatus !== run.status) {
    events.push(
      event(
        next,
        now,
        'check-result',
        `${state.lastStatus ?? 'new'} -> ${run.status}: ${run.summary}`,
        { exitCode: run.exitCode, unknownReason: run.unknownReason ?? null },
        run.status,
      ),
    );
  }
  if (flapping !== state.flapping) {
    events.push(
      event(
        next,
        now,
        flapping ? 'flapping-started' : 'flapping-stopped',
        `state change ${percent.toFixed(1)}% (thresholds low ${check.flap.low}%, high ${check.flap.high}%)`,
        { percent },
      ),
    );
  }
  return { state: next, events };
}

export interface DecisionContext {
  readonly now: Date;
  readonly check: ResolvedCheck;
  /** Names of `dependsOn` parents that are failing now. */
  readonly failingParents: readonly string[];
  /** The maintenance window in force now, if any. */
  readonly maintenance: MaintenanceWindow | undefined;
  readonly dryRun: boolean;
}

/** Whether another runner holds the repair lease now (an expired lease, or one whose owner is gone, is free). */
export function leaseHeldElsewhere(
  state: CheckState,
  now: Date,
  self: string,
  ownerGone: (owner: string) => boolean = () => false,
): boolean {
  if (state.repairLeaseUntil === null || Date.parse(state.repairLeaseUntil) <= now.getTime()) return false;
  const owner = state.repairLeaseOwner;
  if (owner === self) return false;
  return owner === null || !ownerGone(owner);
}

export type Verdict =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'soft-fail'; readonly detail: string }
  | { readonly kind: 'unknown'; readonly detail: string }
  | { readonly kind: 'suppress'; readonly reason: SkipReason; readonly detail: string }
  | {
      readonly kind: 'escalate';
      readonly reason: SkipReason;
      readonly detail: string;
      /** Reason recorded on the problem when it differs from the skip reason (e.g. 'repair-failed'). */
      readonly problemReason?: string;
    }
  | { readonly kind: 'repair' };

/** Why nothing may act on a hard failure right now (maintenance, a failing parent, a dry run), if anything. */
function suppression(ctx: DecisionContext): Verdict | undefined {
  if (ctx.maintenance) {
    return {
      kind: 'suppress',
      reason: 'maintenance',
      detail: `inside maintenance window "${ctx.maintenance.cron}"`,
    };
  }
  if (ctx.failingParents.length > 0) {
    return {
      kind: 'suppress',
      reason: 'dependency',
      detail: `parent check failing: ${ctx.failingParents.join(', ')}`,
    };
  }
  return undefined;
}

/**
 * The lifecycle decision for a result already folded into `state` by recordResult. Pure: the caller carries it out.
 * Order matters: what HealOps cannot see is never repaired; maintenance and failing parents silence everything;
 * then the policies that forbid a repair escalate to a human with the reason.
 */
export function decide(state: CheckState, run: CheckRun, ctx: DecisionContext): Verdict {
  const { check, now } = ctx;
  if (run.status === 'unknown') {
    if (state.consecutiveUnknowns < check.unknownAfter) {
      return {
        kind: 'unknown',
        detail: `UNKNOWN ${state.consecutiveUnknowns}/${check.unknownAfter}; never repaired`,
      };
    }
    const quiet = suppression(ctx);
    if (quiet) return quiet;
    if (ctx.dryRun) return { kind: 'suppress', reason: 'report-only', detail: 'dry run: would escalate' };
    return {
      kind: 'escalate',
      reason: 'unknown-status',
      detail: `UNKNOWN ${state.consecutiveUnknowns} times in a row (unknownAfter ${check.unknownAfter})`,
    };
  }
  if (!isFailure(run.status, check.failOn)) return { kind: 'healthy' };
  if (state.consecutiveFailures < check.failAfter) {
    return { kind: 'soft-fail', detail: `failure ${state.consecutiveFailures}/${check.failAfter}` };
  }
  const quiet = suppression(ctx);
  if (quiet) return quiet;
  if (ctx.dryRun) {
    return {
      kind: 'suppress',
      reason: 'report-only',
      detail: check.repair
        ? `dry run: would repair with ${check.repair.command.argv.join(' ')}`
        : 'dry run: would escalate (no repair defined)',
    };
  }
  if (!check.repair) return { kind: 'escalate', reason: 'no-repair', detail: 'the check defines no repair' };
  if (check.reportOnly) {
    return {
      kind: 'escalate',
      reason: 'report-only',
      detail: `report-only: would repair with ${check.repair.command.display}`,
    };
  }
  if (state.incidentRepairs >= check.repair.maxAttempts) {
    return {
      kind: 'escalate',
      reason: 'budget',
      detail: `all ${check.repair.maxAttempts} repair attempt(s) for this failure are spent; waiting for recovery or a human`,
      problemReason: state.problem?.reason ?? 'repair-failed',
    };
  }
  if (state.flapping) {
    return {
      kind: 'escalate',
      reason: 'flapping',
      detail: `flapping (${percentStateChange(state.history).toFixed(1)}% state change)`,
    };
  }
  const budget = checkBudget(state, check.repair.budget, now);
  if (!budget.allowed) return { kind: 'escalate', reason: 'budget', detail: budget.reason };
  return { kind: 'repair' };
}

/**
 * Opens a problem, or refreshes the open one (same dedup key: one problem, one ticket). Only the severity of the
 * check is read, so other problem sources (CloudWatch alarms) open problems the same way.
 */
export function escalate(
  state: CheckState,
  run: CheckRun,
  check: Pick<ResolvedCheck, 'severity'>,
  reason: string,
  detail: string,
  now: Date,
): Transition {
  const at = now.toISOString();
  const lastOutput = run.output.slice(0, PROBLEM_OUTPUT_LIMIT);
  const existing = state.problem;
  if (existing === null) {
    const problem: Problem = {
      dedupKey: problemDedupKey(state.key),
      openedAt: at,
      severity: check.severity,
      reason,
      lastStatus: run.status,
      lastOutput,
      updatedAt: at,
      occurrences: 1,
    };
    const next = { ...state, problem };
    return {
      state: next,
      events: [
        event(
          next,
          now,
          'escalated',
          `${reason}: ${detail}`,
          { dedupKey: problem.dedupKey, severity: check.severity },
          run.status,
        ),
      ],
    };
  }
  const problem: Problem = {
    ...existing,
    reason,
    lastStatus: run.status,
    lastOutput,
    updatedAt: at,
    occurrences: existing.occurrences + 1,
  };
  const next = { ...state, problem };
  const changed = existing.reason !== reason || existing.lastStatus !== run.status;
  return {
    state: next,
    events: changed
      ? [
          event(
            next,
            now,
            'problem-updated',
            `${reason}: ${detail}`,
            { dedupKey: problem.dedupKey },
            run.status,
          ),
        ]
      : [],
  };
}

/** A passing result closes the open problem. */
export function recover(state: CheckState, run: CheckRun, now: Date, how: string): Transition {
  if (state.problem === null) return { state, events: [] };
  const opened = state.problem;
  const next = { ...state, problem: null, failedRepairStreak: 0 };
  return {
    state: next,
    events: [
      event(
        next,
        now,
        'recovered',
        `${how}: ${run.summary}`,
        { dedupKey: opened.dedupKey, openedAt: opened.openedAt, occurrences: opened.occurrences },
        run.status,
      ),
    ],
  };
}

/** Takes the repair lease and spends one unit of budget and of this failure's attempts. */
export function beginRepair(state: CheckState, now: Date, leaseMs: number, owner: string): CheckState {
  return {
    ...state,
    repairTimes: [...state.repairTimes, now.toISOString()],
    incidentRepairs: state.incidentRepairs + 1,
    repairLeaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    repairLeaseOwner: owner,
  };
}

/** Releases the lease; counts the failed-repair streak that drives backoff; prunes budget history. */
export function endRepair(
  state: CheckState,
  succeeded: boolean,
  check: ResolvedCheck,
  now: Date,
): CheckState {
  const window = check.repair?.budget.perMs ?? 0;
  return {
    ...state,
    repairLeaseUntil: null,
    repairLeaseOwner: null,
    failedRepairStreak: succeeded ? 0 : state.failedRepairStreak + 1,
    repairTimes: state.repairTimes.filter((t) => Date.parse(t) > now.getTime() - window),
  };
}
