import { pushHistory } from '../engine/flap.js';
import { escalate, initialState, recover } from '../engine/lifecycle.js';
import { StateConflictError } from '../errors.js';
import type { CheckKey } from '../model/check.js';
import type { AuditEvent, CheckState } from '../model/state.js';
import { type Severity, STATUS_CODES } from '../model/status.js';
import type { AuditLog, Clock, StateStore } from '../ports.js';
import type { AlarmEvent } from './alarm-event.js';
import { alarmKey } from './alarm-key.js';
import {
  ALARM_PROBLEM_REASON,
  alarmDetail,
  alarmReasonShape,
  alarmRun,
  alarmSeverity,
  alarmTicket,
} from './alarm-ticket.js';
import type { QueuedTicket } from './ports.js';
import { queueTicket, type TicketRoute } from './problem-ticket.js';
import { oneLine } from './ticket-text.js';

// A CloudWatch alarm as a second source of problems: its state changes open, update and close the problem of
// (cloudwatch, <alarm>, <account>/<region>) and queue the ticket actions, exactly as a failing check would.

export const ALARM_ACTIONS = ['trigger', 'update', 'resolve', 'none', 'stale'] as const;
export type AlarmAction = (typeof ALARM_ACTIONS)[number];

/** Saves retried on a concurrent change to the same alarm's state before giving up. */
export const ALARM_SAVE_TRIES = 5;

export interface AlarmDeps {
  readonly state: StateStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface AlarmOptions {
  readonly routes: readonly TicketRoute[];
  readonly environment: string;
  /** Severity of an alarm whose description and tags name none (default 'error'). */
  readonly defaultSeverity?: Severity;
}

export interface AlarmOutcome {
  readonly key: CheckKey;
  readonly action: AlarmAction;
  /** Ticket actions queued (with the state, atomically). */
  readonly tickets: QueuedTicket[];
  /** One line for a human: what happened and why. */
  readonly message: string;
}

/** What one event does to the stored state: pure, so the caller can retry it on fresh state. */
export interface AlarmPlan {
  readonly action: AlarmAction;
  /** The state to save, or null when nothing changes. */
  readonly state: CheckState | null;
  readonly tickets: QueuedTicket[];
  readonly events: AuditEvent[];
  readonly message: string;
}

/**
 * Plans the effect of `event` on `stored`. State-change times order the events: an older one than the last applied
 * is stale; one at the same time in the same state is a redelivery (EventBridge and SQS deliver at least once).
 */
export function planAlarm(
  stored: CheckState,
  event: AlarmEvent,
  options: AlarmOptions,
  now: Date,
): AlarmPlan {
  const { alarmName, state: alarmState, previousState } = event.detail;
  const key = stored.key;
  const run = alarmRun(event, key);
  const eventMs = Date.parse(alarmState.timestamp);
  const lastMs = stored.lastRunAt === null ? Number.NaN : Date.parse(stored.lastRunAt);
  const name = oneLine(alarmName);
  const detail = {
    eventId: event.id,
    alarmName,
    account: event.account,
    region: event.region,
    state: alarmState.value,
    previousState: previousState?.value ?? null,
    stateTime: alarmState.timestamp,
  };
  const note = (at: Date, action: AlarmAction, message: string): AuditEvent => ({
    time: at.toISOString(),
    type: 'alarm',
    key,
    status: run.status,
    message,
    detail: { ...detail, action },
  });
  if (eventMs === lastMs && stored.lastStatus === run.status) {
    return {
      action: 'none',
      state: null,
      tickets: [],
      events: [],
      message: `${name}: ${alarmState.value} at ${alarmState.timestamp} was already applied`,
    };
  }
  if (eventMs <= lastMs) {
    const message = `${name}: ignored ${alarmState.value} at ${alarmState.timestamp}: not newer than the last state change applied (${stored.lastRunAt})`;
    return { action: 'stale', state: null, tickets: [], events: [note(now, 'stale', message)], message };
  }

  // Problem and ticket times are those of the state change (never later than now: clocks drift).
  const at = new Date(Math.min(eventMs, now.getTime()));
  const failing = alarmState.value === 'ALARM';
  const unknown = alarmState.value === 'INSUFFICIENT_DATA';
  let state: CheckState = {
    ...stored,
    lastStatus: run.status,
    lastRunAt: alarmState.timestamp,
    history: pushHistory(stored.history, STATUS_CODES[run.status]),
    consecutiveFailures: failing ? stored.consecutiveFailures + 1 : unknown ? stored.consecutiveFailures : 0,
    consecutiveUnknowns: unknown ? stored.consecutiveUnknowns + 1 : 0,
  };
  const events: AuditEvent[] = [];
  const tickets: QueuedTicket[] = [];
  let action: AlarmAction = 'none';
  let why = '';
  const problem = stored.problem;

  if (failing) {
    const severity = alarmSeverity(event, options.defaultSeverity ?? 'error');
    const transition = escalate(state, run, { severity }, ALARM_PROBLEM_REASON, alarmDetail(event), at);
    state = transition.state;
    events.push(...transition.events);
    if (problem === null) {
      action = 'trigger';
    } else {
      // News for the ticket: the alarm came back from INSUFFICIENT_DATA, or its reason says something else.
      const previousReason = problem.lastOutput.split('\n', 1)[0] ?? '';
      const material =
        stored.lastStatus !== run.status ||
        alarmReasonShape(previousReason) !== alarmReasonShape(run.summary);
      action = material ? 'update' : 'none';
      why = material ? '' : ' (already open, nothing new)';
    }
  } else if (alarmState.value === 'OK' && problem !== null) {
    const transition = recover(state, run, at, 'CloudWatch alarm OK');
    state = transition.state;
    events.push(...transition.events);
    action = 'resolve';
  } else {
    why = problem === null ? ' (no open problem)' : ' (problem stays open)';
  }

  const ticketProblem = action === 'resolve' ? problem : state.problem;
  if (action !== 'none' && ticketProblem !== null) {
    const ticket = alarmTicket({
      action,
      event,
      key,
      problem: ticketProblem,
      run,
      environment: options.environment,
      at,
    });
    tickets.push(...queueTicket(ticket, options.routes));
  }
  const queued = action === 'none' ? '' : `; ${tickets.length} ticket action(s) queued`;
  const message = `${name}: ${previousState?.value ?? 'unknown'} -> ${alarmState.value}: ${action}${why}${queued}`;
  // The state change first, then what it did to the problem.
  return { action, state, tickets, events: [note(at, action, message), ...events], message };
}

/**
 * Applies one CloudWatch alarm state-change event: opens the alarm's problem on ALARM (trigger), updates it when the
 * alarm says something new, closes it on OK (resolve). Ticket actions are saved with the state in one write;
 * a concurrent change to the same alarm is retried on fresh state.
 */
export async function applyAlarm(
  deps: AlarmDeps,
  event: AlarmEvent,
  options: AlarmOptions,
): Promise<AlarmOutcome> {
  const key = alarmKey(event);
  let conflict: StateConflictError | undefined;
  for (let attempt = 0; attempt < ALARM_SAVE_TRIES; attempt++) {
    const stored = (await deps.state.load(key)) ?? initialState(key);
    const plan = planAlarm(stored, event, options, deps.clock.now());
    if (plan.state !== null) {
      try {
        await deps.state.save(plan.state, stored.version, plan.tickets);
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
        conflict = error;
        continue;
      }
    }
    if (plan.events.length > 0) await deps.audit.append(plan.events);
    return { key, action: plan.action, tickets: plan.tickets, message: plan.message };
  }
  throw new StateConflictError(
    `CloudWatch alarm ${oneLine(event.detail.alarmName)}: its state kept changing under this update (${ALARM_SAVE_TRIES} tries)`,
    { cause: conflict },
  );
}
