import type { CheckKey } from '../model/check.js';
import type { CheckRun, RepairAttempt } from '../model/results.js';
import type { Problem } from '../model/state.js';
import type { Severity } from '../model/status.js';
import type { QueuedTicket } from './ports.js';
import type { TicketAction, TicketEvent } from './ticket-event.js';
import { truncate } from './ticket-text.js';

/** How much check output a ticket event keeps; each sink cuts further to its own limits. */
export const TICKET_OUTPUT_MAX = 16_000;

/** A route as the engine sees it: a name, and the severities it takes (undefined = all). */
export interface TicketRoute {
  readonly name: string;
  readonly severities?: readonly Severity[];
}

export interface ProblemTicketInput {
  readonly action: TicketAction;
  readonly key: CheckKey;
  /** The problem opened, refreshed or closed by this change (its state before closing, for a resolve). */
  readonly problem: Problem;
  readonly run: CheckRun;
  readonly environment: string;
  readonly detail: string;
  readonly repairs: readonly RepairAttempt[];
  readonly at: Date;
  readonly runbook?: string;
}

/** The one-line title of a problem: what, where, and the check's own summary. */
export function problemSummary(key: CheckKey, run: CheckRun, action: TicketAction): string {
  const where = `${key.package}/${key.check} on ${key.target}`;
  const prefix = action === 'resolve' ? `${where} recovered` : where;
  return `${prefix}: ${run.status.toUpperCase()} - ${run.summary}`;
}

/** The ticket event for a problem transition: everything a human needs, independent of the receiver. */
export function problemTicket(input: ProblemTicketInput): TicketEvent {
  const { run, problem } = input;
  return {
    action: input.action,
    dedupKey: problem.dedupKey,
    key: input.key,
    environment: input.environment,
    severity: problem.severity,
    status: run.status,
    summary: problemSummary(input.key, run, input.action),
    reason: problem.reason,
    detail: input.detail,
    output: truncate(run.output, TICKET_OUTPUT_MAX),
    perfdata: run.perfdata.map((p) => ({ label: p.label, value: p.value, uom: p.uom })),
    repairs: input.repairs,
    firstSeen: problem.openedAt,
    occurredAt: input.at.toISOString(),
    ...(input.runbook === undefined ? {} : { runbook: input.runbook }),
    links: [],
  };
}

/** Names of the routes that take `event` (a problem keeps its severity, so its resolve goes where its trigger went). */
export function routesFor(event: TicketEvent, routes: readonly TicketRoute[]): string[] {
  return routes
    .filter((r) => r.severities === undefined || r.severities.includes(event.severity))
    .map((r) => r.name);
}

/** One queued action per route that takes `event`, each with its own delivery id. */
export function queueTicket(
  event: TicketEvent,
  routes: readonly TicketRoute[],
  newId: () => string = () => globalThis.crypto.randomUUID(),
): QueuedTicket[] {
  return routesFor(event, routes).map((route) => ({ id: newId(), route, event }));
}
