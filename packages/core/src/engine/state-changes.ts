import type { CheckKey, ResolvedCheck } from '../model/check.js';
import type { CheckRun, MetricPoint, RepairAttempt } from '../model/results.js';
import type { AuditEvent, CheckState, Problem } from '../model/state.js';
import type { StatusName } from '../model/status.js';
import type { QueuedTicket } from '../tickets/ports.js';
import { problemTicket, queueTicket } from '../tickets/problem-ticket.js';
import type { TicketAction } from '../tickets/ticket-event.js';
import type { EngineDeps, RunSettings } from './deps.js';
import { escalate, recover, type Transition } from './lifecycle.js';
import { escalationPoint } from './points.js';

/** What a task collects for the audit trail and the sinks while it decides. */
export interface Collected {
  readonly events: AuditEvent[];
  readonly points: MetricPoint[];
}

/**
 * The state of one (check, target) while a step decides about it, with what the decision records: audit events,
 * escalation points, and the ticket actions that go into the outbox with the state when it is saved. Shared by the
 * local loop and the Lambda steps, so both record a decision the same way.
 */
export class StateChanges {
  state: CheckState;
  readonly #tickets: QueuedTicket[] = [];

  constructor(
    private readonly deps: EngineDeps,
    private readonly settings: RunSettings,
    private readonly check: ResolvedCheck,
    readonly collected: Collected,
    state: CheckState,
  ) {
    this.state = state;
  }

  get key(): CheckKey {
    return this.state.key;
  }

  apply(transition: Transition): void {
    this.state = transition.state;
    this.collected.events.push(...transition.events);
  }

  note(
    type: AuditEvent['type'],
    at: Date,
    status: StatusName,
    message: string,
    detail?: Record<string, unknown>,
  ): void {
    this.collected.events.push({
      time: at.toISOString(),
      type,
      key: this.key,
      status,
      message,
      ...(detail ? { detail } : {}),
    });
  }

  /** Opens a problem (trigger) or refreshes it (update, when its reason or status changed). */
  escalate(run: CheckRun, reason: string, detail: string, repairs: readonly RepairAttempt[], at: Date): void {
    const wasOpen = this.state.problem !== null;
    const transition = escalate(this.state, run, this.check, reason, detail, at);
    this.apply(transition);
    if (!wasOpen) {
      this.collected.points.push(escalationPoint(this.check, this.key.target, at));
      this.#ticket('trigger', this.state.problem, run, detail, repairs, at);
    } else if (transition.events.some((e) => e.type === 'problem-updated')) {
      this.#ticket('update', this.state.problem, run, detail, repairs, at);
    }
  }

  /** Closes the open problem, if any, and resolves its ticket. */
  recover(run: CheckRun, how: string, repairs: readonly RepairAttempt[], at: Date): void {
    const open = this.state.problem;
    this.apply(recover(this.state, run, at, how));
    this.#ticket('resolve', open, run, how, repairs, at);
  }

  /** Saves the state with the ticket actions queued so far, in one write (nothing in a dry run). */
  async persist(): Promise<void> {
    if (this.settings.dryRun) return;
    this.state = await this.deps.state.save(this.state, this.state.version, this.#tickets.splice(0));
  }

  #ticket(
    action: TicketAction,
    problem: Problem | null,
    run: CheckRun,
    detail: string,
    repairs: readonly RepairAttempt[],
    at: Date,
  ): void {
    const routes = this.settings.ticketRoutes ?? [];
    if (problem === null || routes.length === 0) return;
    const event = problemTicket({
      action,
      key: this.key,
      problem,
      run,
      environment: this.check.environment,
      detail,
      repairs,
      at,
      ...(this.check.runbook === undefined ? {} : { runbook: this.check.runbook }),
    });
    this.#tickets.push(...queueTicket(event, routes));
  }
}
