import { StateConflictError } from '../errors.js';
import type { CheckKey, MaintenanceWindow, ResolvedCheck } from '../model/check.js';
import type { CheckOutcome, CheckRun, RepairReport, SkipReason } from '../model/results.js';
import type { CheckState } from '../model/state.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { executeCheck } from './execute.js';
import { decide, initialState, isFailure, leaseHeldElsewhere, recordResult } from './lifecycle.js';
import { runPoints } from './points.js';
import { DEFAULT_LEASE_OWNER } from './repair-rounds.js';
import { type Decided, repairFailure } from './repair-step.js';
import { type Collected, StateChanges } from './state-changes.js';

export interface TaskInput {
  readonly check: ResolvedCheck;
  readonly target: string;
  /** Resolves to the names of failing dependsOn parents (waits for parents running in the same cycle). */
  readonly failingParents: () => Promise<readonly string[]>;
  readonly maintenance: (now: Date) => MaintenanceWindow | undefined;
}

const NO_REPAIR: RepairReport = { attempted: false, succeeded: false, skippedReason: null, attempts: [] };
/** How often a decision is re-made on fresh state when another runner wrote it in between. */
const CONFLICT_RETRIES = 3;

function skipped(reason: SkipReason): RepairReport {
  return { ...NO_REPAIR, skippedReason: reason };
}

/**
 * One (check, target) through the whole lifecycle: run, decide, repair and verify, escalate or recover, persist.
 * Never throws: a port failure becomes an `unknown` outcome that still carries what was collected.
 */
export async function runCheckTask(
  deps: EngineDeps,
  settings: RunSettings,
  input: TaskInput,
  signal?: AbortSignal,
): Promise<{ outcome: CheckOutcome; collected: Collected }> {
  const { check, target } = input;
  const key: CheckKey = { package: check.package, check: check.name, target };
  const startedMs = deps.clock.now().getTime();
  const first = await executeCheck(deps, settings, check, key, signal);
  const collected: Collected = { events: [], points: runPoints(check, first) };
  let truncated = first.truncated;
  const finish = (d: Decided): { outcome: CheckOutcome; collected: Collected } => ({
    outcome: {
      key,
      kind: check.kind,
      status: d.last.status,
      initialStatus: first.status,
      outcome: d.outcome,
      repair: d.repair,
      metrics: collected.points.map((p) => ({ ...p })),
      summary: d.last.summary,
      output: d.last.output,
      truncated: truncated || d.last.truncated,
      perfdataErrors: d.last.perfdataErrors,
      durationMs: deps.clock.now().getTime() - startedMs,
      ...(d.detail ? { detail: d.detail } : {}),
    },
    collected,
  });

  if (check.kind === 'stats') {
    const failed = first.status === 'unknown' && first.unknownReason !== undefined;
    return finish({
      last: first,
      outcome: failed ? 'unknown' : 'ok',
      repair: NO_REPAIR,
      ...(failed ? { detail: first.summary } : {}),
    });
  }
  if (first.truncated) {
    collected.events.push({
      time: first.startedAt,
      type: 'check-result',
      key,
      status: first.status,
      message: `output cut at ${settings.maxOutputBytes} bytes per stream: ${first.summary}`,
      detail: { truncated: true },
    });
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const mark = collected.events.length;
      const pointsMark = collected.points.length;
      try {
        const decided = await lifecycle(deps, settings, input, first, collected, signal);
        truncated ||= decided.last.truncated;
        return finish(decided);
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt >= CONFLICT_RETRIES) throw error;
        // Another runner wrote this state since we read it: drop this attempt's record and decide again.
        collected.events.length = mark;
        collected.points.length = pointsMark;
      }
    }
  } catch (error) {
    deps.observer?.onPortError?.('engine', error);
    const message = error instanceof Error ? error.message : String(error);
    return finish({
      last: first,
      outcome: 'unknown',
      repair: NO_REPAIR,
      detail: `internal error: ${message}`,
    });
  }
}

/** What the evaluation of a result leaves to do: nothing more, or the repair (now, or by the repair Lambda). */
export type Evaluated =
  | { readonly kind: 'decided'; readonly decided: Decided }
  | { readonly kind: 'repair'; readonly changes: StateChanges };

/**
 * Load, record, decide — on the state as stored now — and carry out every verdict but `repair`, saving the state
 * with its ticket actions. A `repair` verdict comes back with the recorded (not yet saved) state: the local loop
 * repairs at once (repairFailure); the check Lambda saves it and hands the target to the repair Lambda.
 */
export async function evaluateResult(
  deps: EngineDeps,
  settings: RunSettings,
  input: TaskInput,
  first: CheckRun,
  collected: Collected,
): Promise<Evaluated> {
  const { check } = input;
  const key = first.key;
  const stored = (await deps.state.load(key)) ?? initialState(key);
  const now = deps.clock.now();
  const owner = settings.leaseOwner ?? DEFAULT_LEASE_OWNER;
  const decided = (d: Decided): Evaluated => ({ kind: 'decided', decided: d });
  if (leaseHeldElsewhere(stored, now, owner, settings.isLeaseOwnerGone)) {
    // Another runner is repairing this target right now: report what we saw, write nothing.
    const failing = first.status === 'unknown' || isFailure(first.status, check.failOn);
    return decided({
      last: first,
      outcome: failing ? 'suppressed' : 'ok',
      repair: NO_REPAIR,
      detail: `a repair is in progress by ${stored.repairLeaseOwner ?? 'another HealOps run'} (lease until ${stored.repairLeaseUntil})`,
    });
  }
  const broken = stored.repairLeaseUntil !== null;
  if (broken) {
    collected.events.push({
      time: now.toISOString(),
      type: 'repair-skipped',
      key,
      message: `broke the repair lease of ${stored.repairLeaseOwner ?? 'an unknown runner'}: it expired or its process is gone`,
    });
  }
  // A round whose runner died never reached its verdict: its budget stays spent, but the failure gets the attempt back.
  const released: CheckState = broken
    ? {
        ...stored,
        repairLeaseUntil: null,
        repairLeaseOwner: null,
        incidentRepairs: Math.max(0, stored.incidentRepairs - 1),
      }
    : stored;
  const recorded = recordResult(released, first, check, now);
  collected.events.push(...recorded.events);
  const changes = new StateChanges(deps, settings, check, collected, recorded.state);
  const verdict = decide(changes.state, first, {
    now,
    check,
    failingParents: await input.failingParents(),
    maintenance: input.maintenance(now),
    dryRun: settings.dryRun,
  });

  switch (verdict.kind) {
    case 'healthy': {
      const hadProblem = changes.state.problem !== null;
      changes.recover(first, 'recovered', [], now);
      await changes.persist();
      return decided({ last: first, outcome: hadProblem ? 'recovered' : 'ok', repair: NO_REPAIR });
    }
    case 'soft-fail':
      changes.note('soft-fail', now, first.status, `${first.summary} (${verdict.detail})`);
      await changes.persist();
      return decided({ last: first, outcome: 'soft-fail', repair: NO_REPAIR, detail: verdict.detail });
    case 'unknown':
      await changes.persist();
      return decided({
        last: first,
        outcome: 'unknown',
        repair: skipped('unknown-status'),
        detail: verdict.detail,
      });
    case 'suppress':
      changes.note('suppressed', now, first.status, `${verdict.reason}: ${verdict.detail}`, {
        reason: verdict.reason,
      });
      await changes.persist();
      return decided({
        last: first,
        outcome: 'suppressed',
        repair: skipped(verdict.reason),
        detail: verdict.detail,
      });
    case 'escalate':
      changes.note('hard-fail', now, first.status, first.summary);
      changes.note('repair-skipped', now, first.status, `${verdict.reason}: ${verdict.detail}`, {
        reason: verdict.reason,
      });
      changes.escalate(first, verdict.problemReason ?? verdict.reason, verdict.detail, [], now);
      await changes.persist();
      return decided({
        last: first,
        outcome: 'escalated',
        repair: skipped(verdict.reason),
        detail: verdict.detail,
      });
    case 'repair':
      return { kind: 'repair', changes };
  }
}

/** The whole lifecycle in one process: evaluate, and repair at once when the verdict says so. */
async function lifecycle(
  deps: EngineDeps,
  settings: RunSettings,
  input: TaskInput,
  first: CheckRun,
  collected: Collected,
  signal?: AbortSignal,
): Promise<Decided> {
  const evaluated = await evaluateResult(deps, settings, input, first, collected);
  if (evaluated.kind === 'decided') return evaluated.decided;
  return repairFailure(deps, settings, input.check, evaluated.changes, first, signal);
}
