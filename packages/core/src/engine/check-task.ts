import { HealOpsError, StateConflictError } from '../errors.js';
import type { CheckKey, MaintenanceWindow, ResolvedCheck } from '../model/check.js';
import type {
  CheckOutcome,
  CheckRun,
  MetricPoint,
  Outcome,
  RepairReport,
  SkipReason,
} from '../model/results.js';
import type { AuditEvent, CheckState, Problem } from '../model/state.js';
import type { QueuedTicket } from '../tickets/ports.js';
import { problemTicket, queueTicket } from '../tickets/problem-ticket.js';
import type { TicketAction } from '../tickets/ticket-event.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { executeCheck } from './execute.js';
import {
  decide,
  escalate,
  initialState,
  isFailure,
  leaseHeldElsewhere,
  recordResult,
  recover,
  type Transition,
} from './lifecycle.js';
import { escalationPoint, runPoints } from './points.js';
import { DEFAULT_LEASE_OWNER, repairRounds } from './repair-rounds.js';

export interface TaskInput {
  readonly check: ResolvedCheck;
  readonly target: string;
  /** Resolves to the names of failing dependsOn parents (waits for parents running in the same cycle). */
  readonly failingParents: () => Promise<readonly string[]>;
  readonly maintenance: (now: Date) => MaintenanceWindow | undefined;
}

export interface Collected {
  readonly events: AuditEvent[];
  readonly points: MetricPoint[];
}

const NO_REPAIR: RepairReport = { attempted: false, succeeded: false, skippedReason: null, attempts: [] };
/** How often a decision is re-made on fresh state when another runner wrote it in between. */
const CONFLICT_RETRIES = 3;

function skipped(reason: SkipReason): RepairReport {
  return { ...NO_REPAIR, skippedReason: reason };
}

interface Decided {
  readonly last: CheckRun;
  readonly outcome: Outcome;
  readonly repair: RepairReport;
  readonly detail?: string;
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

/** Load, record, decide, act, persist — on the state as stored now. */
async function lifecycle(
  deps: EngineDeps,
  settings: RunSettings,
  input: TaskInput,
  first: CheckRun,
  collected: Collected,
  signal?: AbortSignal,
): Promise<Decided> {
  const { check } = input;
  const key = first.key;
  const stored = (await deps.state.load(key)) ?? initialState(key);
  const now = deps.clock.now();
  const owner = settings.leaseOwner ?? DEFAULT_LEASE_OWNER;
  if (leaseHeldElsewhere(stored, now, owner, settings.isLeaseOwnerGone)) {
    // Another runner is repairing this target right now: report what we saw, write nothing.
    const failing = first.status === 'unknown' || isFailure(first.status, check.failOn);
    return {
      last: first,
      outcome: failing ? 'suppressed' : 'ok',
      repair: NO_REPAIR,
      detail: `a repair is in progress by ${stored.repairLeaseOwner ?? 'another HealOps run'} (lease until ${stored.repairLeaseUntil})`,
    };
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
  let state: CheckState = recorded.state;
  const apply = (t: Transition): void => {
    state = t.state;
    collected.events.push(...t.events);
  };
  const note = (type: AuditEvent['type'], message: string, detail?: Record<string, unknown>) =>
    collected.events.push({
      time: now.toISOString(),
      type,
      key,
      status: first.status,
      message,
      ...(detail ? { detail } : {}),
    });
  const tickets: QueuedTicket[] = [];
  const ticket = (
    action: TicketAction,
    problem: Problem | null,
    run: CheckRun,
    detail: string,
    repairs: RepairReport['attempts'],
    at: Date,
  ): void => {
    const routes = settings.ticketRoutes ?? [];
    if (problem === null || routes.length === 0) return;
    const event = problemTicket({
      action,
      key,
      problem,
      run,
      environment: check.environment,
      detail,
      repairs,
      at,
      ...(check.runbook === undefined ? {} : { runbook: check.runbook }),
    });
    tickets.push(...queueTicket(event, routes));
  };
  /** Opens a problem (trigger) or refreshes it (update when its reason or status changed). */
  const escalateAndTicket = (
    run: CheckRun,
    reason: string,
    detail: string,
    repairs: RepairReport['attempts'],
    at: Date,
  ): void => {
    const wasOpen = state.problem !== null;
    const transition = escalate(state, run, check, reason, detail, at);
    apply(transition);
    if (!wasOpen) {
      collected.points.push(escalationPoint(check, key.target, at));
      ticket('trigger', state.problem, run, detail, repairs, at);
    } else if (transition.events.some((e) => e.type === 'problem-updated')) {
      ticket('update', state.problem, run, detail, repairs, at);
    }
  };
  /** Closes the open problem, if any, and resolves its ticket. */
  const recoverAndTicket = (
    run: CheckRun,
    how: string,
    repairs: RepairReport['attempts'],
    at: Date,
  ): void => {
    const open = state.problem;
    apply(recover(state, run, at, how));
    ticket('resolve', open, run, how, repairs, at);
  };
  const persist = async (): Promise<void> => {
    if (!settings.dryRun) state = await deps.state.save(state, state.version, tickets);
  };
  const verdict = decide(state, first, {
    now,
    check,
    failingParents: await input.failingParents(),
    maintenance: input.maintenance(now),
    dryRun: settings.dryRun,
  });

  switch (verdict.kind) {
    case 'healthy': {
      const hadProblem = state.problem !== null;
      recoverAndTicket(first, 'recovered', [], now);
      await persist();
      return { last: first, outcome: hadProblem ? 'recovered' : 'ok', repair: NO_REPAIR };
    }
    case 'soft-fail':
      note('soft-fail', `${first.summary} (${verdict.detail})`);
      await persist();
      return { last: first, outcome: 'soft-fail', repair: NO_REPAIR, detail: verdict.detail };
    case 'unknown':
      await persist();
      return { last: first, outcome: 'unknown', repair: skipped('unknown-status'), detail: verdict.detail };
    case 'suppress':
      note('suppressed', `${verdict.reason}: ${verdict.detail}`, { reason: verdict.reason });
      await persist();
      return { last: first, outcome: 'suppressed', repair: skipped(verdict.reason), detail: verdict.detail };
    case 'escalate': {
      note('hard-fail', first.summary);
      note('repair-skipped', `${verdict.reason}: ${verdict.detail}`, { reason: verdict.reason });
      escalateAndTicket(first, verdict.problemReason ?? verdict.reason, verdict.detail, [], now);
      await persist();
      return { last: first, outcome: 'escalated', repair: skipped(verdict.reason), detail: verdict.detail };
    }
    case 'repair': {
      const repair = check.repair;
      if (repair === undefined)
        throw new HealOpsError(`${key.package}/${key.check}: repair verdict without a repair`);
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
        skippedReason: rounds.stop?.kind === 'policy' ? rounds.stop.reason : null,
        attempts: rounds.attempts,
      };
      const at = deps.clock.now();
      if (rounds.succeeded) {
        const hadProblem = state.problem !== null;
        recoverAndTicket(
          rounds.lastRun,
          `repaired after ${rounds.attempts.length} attempt(s)`,
          rounds.attempts,
          at,
        );
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
        return { last: rounds.lastRun, outcome: 'recovered', repair: report };
      }
      if (rounds.stop?.kind === 'interrupted') {
        // Stopped by the operator: release the lease and keep the record, but do not page anyone for it.
        await persist();
        return { last: rounds.lastRun, outcome: 'unknown', repair: report, detail: rounds.stop.detail };
      }
      const detail =
        rounds.stop?.detail ??
        `still ${rounds.lastRun.status} after ${rounds.attempts.length} repair attempt(s)`;
      escalateAndTicket(rounds.lastRun, 'repair-failed', detail, rounds.attempts, at);
      await persist();
      return { last: rounds.lastRun, outcome: 'escalated', repair: report, detail };
    }
  }
}
