import type { CheckKey } from '../model/check.js';
import type { RepairAttempt } from '../model/results.js';
import type { Severity, StatusName } from '../model/status.js';

/** What a ticket sink is asked to do for one problem. */
export const TICKET_ACTIONS = ['trigger', 'update', 'resolve'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/**
 * Everything a human needs to act on a problem, independent of where the ticket goes (PagerDuty, Jira, webhook).
 * Built by the engine from an escalation or a recovery; the sinks map it to their own API.
 */
export interface TicketEvent {
  readonly action: TicketAction;
  /** Stable per (package, check, target) problem: one ticket per problem, across restarts. */
  readonly dedupKey: string;
  readonly key: CheckKey;
  readonly environment: string;
  readonly severity: Severity;
  readonly status: StatusName;
  /** One line: what is wrong where, e.g. `web/nginx-up on web-1: CRITICAL - connection refused`. */
  readonly summary: string;
  /** Why a human is needed: a skip reason (budget, flapping, ...) or 'repair-failed'. */
  readonly reason: string;
  readonly detail: string;
  /** Excerpt of the check output (bounded). */
  readonly output: string;
  readonly perfdata: ReadonlyArray<{
    readonly label: string;
    readonly value: number | null;
    readonly uom: string;
  }>;
  readonly repairs: readonly RepairAttempt[];
  /** ISO times. */
  readonly firstSeen: string;
  readonly occurredAt: string;
  readonly runbook?: string;
  /** Links a human may want (status page, console), label + https URL. */
  readonly links: ReadonlyArray<{ readonly href: string; readonly text: string }>;
  /** HTTPS URL of a graph image, when one exists. */
  readonly imageUrl?: string;
}
