import type { CheckKey, MaintenanceWindow, ResolvedCheck } from '../model/check.js';
import type {
  CheckOutcome,
  CheckRun,
  MetricPoint,
  Outcome,
  RepairReport,
  SkipReason,
} from '../model/results.js';
import type { AuditEvent } from '../model/state.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { executeCheck } from './execute.js';
import { decide, escalate, initialState, recordResult, recover, type Transition } from './lifecycle.js';
import { escalationPoint, runPoints } from './points.js';
import { repairRounds } from './repair-rounds.js';

export interface TaskInput {
  readonly check: ResolvedCheck;
  readonly target: string;
  /** Resolves to the names of failing dependsOn parents (waits for parents running in the same cycle). */
  readonly failingParents: () => Promise<readonly string[]>;
  readonly maintenance: (now: Date) => MaintenanceWindow | undefined;
}

const NO_REPAIR: RepairReport = { attempted: false, succeeded: false, skippedReason: null, attempts: [] };

interface Collected {
  events: AuditEvent[];
  points: MetricPoint[];
}

function outcomeOf(
  input: TaskInput,
  first: CheckRun,
  last: CheckRun,
  outcome: Outcome,
  repair: RepairReport,
  points: readonly MetricPoint[],
  startedMs: number,
  endedMs: number,
  detail?: string,
): CheckOutcome {
  return {
    key: first.key,
    kind: input.check.kind,
    status: last.status,
    initialStatus: first.status,
    outcome,
    repair,
    metrics: points.map((p) => ({ ...p })),
    summary: last.summary,
    output: last.output,
    durationMs: endedMs - startedMs,
    ...(detail ? { detail } : {}),
  };
}

function skipped(reason: SkipReason): RepairReport {
  return { ...NO_REPAIR, skippedReason: reason };
}

/** One (check, target) through the whole lifecycle: run, decide, repair and verify, escalate or recover, persist. */
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
  const finish = (last: CheckRun, outcome: Outcome, repair: RepairReport, detail?: string) =>
    outcomeOf(
      input,
      first,
      last,
      outcome,
      repair,
      collected.points,
      startedMs,
      deps.clock.now().getTime(),
      detail,
    );

  if (check.kind === 'stats') {
    const outcome = first.status === 'unknown' && first.unknownReason ? 'unknown' : 'ok';
    return {
      outcome: finish(first, outcome, NO_REPAIR, first.unknownReason ? first.summary : undefined),
      collected,
    };
  }

  const stored = (await deps.state.load(key)) ?? initialState(key);
  const now = deps.clock.now();
  const recorded = recordResult(stored, first, check, now);
  collected.events.push(...recorded.events);
  let state = recorded.state;
  const apply = (t: Transition): void => {
    state = t.state;
    collected.events.push(...t.events);
  };
  const verdict = decide(state, first, {
    now,
    check,
    failingParents: await input.failingParents(),
    maintenance: input.maintenance(now),
    dryRun: settings.dryRun,
  });
  const note = (type: AuditEvent['type'], message: string, detail?: Record<string, unknown>) =>
    collected.events.push({
      time: now.toISOString(),
      type,
      key,
      status: first.status,
      message,
      ...(detail ? { detail } : {}),
    });
  const persist = async (): Promise<void> => {
    if (!settings.dryRun) state = await deps.state.save(state, state.version);
  };

  switch (verdict.kind) {
    case 'healthy': {
      const hadProblem = state.problem !== null;
      apply(recover(state, first, now, 'recovered'));
      await persist();
      return { outcome: finish(first, hadProblem ? 'recovered' : 'ok', NO_REPAIR), collected };
    }
    case 'soft-fail':
      note('soft-fail', `${first.summary} (${verdict.detail})`);
      await persist();
      return { outcome: finish(first, 'soft-fail', NO_REPAIR, verdict.detail), collected };
    case 'unknown':
      await persist();
      return { outcome: finish(first, 'unknown', skipped('unknown-status'), verdict.detail), collected };
    case 'busy':
      // Another runner is repairing this target: record nothing, touch nothing.
      return { outcome: finish(first, 'skipped', NO_REPAIR, verdict.detail), collected };
    case 'suppress':
      if (!settings.dryRun)
        note('suppressed', `${verdict.reason}: ${verdict.detail}`, { reason: verdict.reason });
      await persist();
      return { outcome: finish(first, 'suppressed', skipped(verdict.reason), verdict.detail), collected };
    case 'escalate': {
      note('hard-fail', first.summary);
      note('repair-skipped', `${verdict.reason}: ${verdict.detail}`, { reason: verdict.reason });
      const wasOpen = state.problem !== null;
      apply(escalate(state, first, check, verdict.reason, verdict.detail, now));
      if (!wasOpen) collected.points.push(escalationPoint(check, target, now));
      await persist();
      return { outcome: finish(first, 'escalated', skipped(verdict.reason), verdict.detail), collected };
    }
    case 'repair': {
      const repair = check.repair;
      if (repair === undefined) throw new Error('unreachable: repair verdict without a repair');
      note('hard-fail', first.summary);
      const rounds = await repairRounds(
        deps,
        settings,
        check,
        repair,
        { state, run: first },
        collected,
        signal,
      );
      state = rounds.state;
      const report: RepairReport = {
        attempted: rounds.attempts.length > 0,
        succeeded: rounds.succeeded,
        skippedReason: null,
        attempts: rounds.attempts,
      };
      const at = deps.clock.now();
      if (rounds.succeeded) {
        const hadProblem = state.problem !== null;
        apply(recover(state, rounds.lastRun, at, `repaired after ${rounds.attempts.length} attempt(s)`));
        if (!hadProblem) {
          collected.events.push({
            time: at.toISOString(),
            type: 'recovered',
            key,
            status: rounds.lastRun.status,
            message: `repaired after ${rounds.attempts.length} attempt(s): ${rounds.lastRun.summary}`,
          });
        }
        await persist();
        return { outcome: finish(rounds.lastRun, 'recovered', report), collected };
      }
      const reason = rounds.budgetStop ? 'budget' : 'repair-failed';
      const detail =
        rounds.budgetStop ??
        `still ${rounds.lastRun.status} after ${rounds.attempts.length} repair attempt(s)`;
      const wasOpen = state.problem !== null;
      apply(escalate(state, rounds.lastRun, check, reason, detail, at));
      if (!wasOpen) collected.points.push(escalationPoint(check, target, at));
      await persist();
      return { outcome: finish(rounds.lastRun, 'escalated', report, detail), collected };
    }
  }
}
