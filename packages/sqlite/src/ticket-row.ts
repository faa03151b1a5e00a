import {
  type QueuedTicket,
  TICKET_ACTIONS,
  TICKET_STATES,
  type TicketEvent,
  type TicketRecord,
} from '@healops/core';
import { epochMsToIso, fromJsonText, isRecord, oneOf, toJsonText } from './columns.js';

/** One row of ticket_outbox as better-sqlite3 returns it. */
export interface TicketRow {
  readonly seq: number;
  readonly id: string;
  readonly route: string;
  readonly dedup_key: string;
  readonly action: string;
  readonly event: string;
  readonly state: string;
  readonly attempts: number;
  readonly created_at: number;
  readonly next_attempt_at: number;
  readonly claimed_until: number;
  readonly last_attempt_at: number | null;
  readonly delivered_at: number | null;
  readonly last_error: string | null;
  readonly ref: string | null;
}

export const TICKET_COLUMNS =
  'seq, id, route, dedup_key, action, event, state, attempts, created_at, next_attempt_at, claimed_until, ' +
  'last_attempt_at, delivered_at, last_error, ref';

export interface TicketInsertParams {
  readonly id: string;
  readonly route: string;
  readonly dedup_key: string;
  readonly action: string;
  readonly event: string;
  readonly created_at: number;
}

export const INSERT_TICKET_SQL = `INSERT INTO ticket_outbox (id, route, dedup_key, action, event, created_at, next_attempt_at)
  VALUES (@id, @route, @dedup_key, @action, @event, @created_at, @created_at)`;

export function ticketToRow(ticket: QueuedTicket, at: number): TicketInsertParams {
  return {
    id: ticket.id,
    route: ticket.route,
    dedup_key: ticket.event.dedupKey,
    action: ticket.event.action,
    event: toJsonText(ticket.event, `ticket ${ticket.id} event`),
    created_at: at,
  };
}

function isTicketEvent(value: unknown): value is TicketEvent {
  return (
    isRecord(value) &&
    typeof value.dedupKey === 'string' &&
    typeof value.action === 'string' &&
    isRecord(value.key) &&
    typeof value.summary === 'string'
  );
}

const iso = (ms: number | null): string | null => (ms === null ? null : epochMsToIso(ms));

export function rowToTicket(row: TicketRow): TicketRecord {
  const what = `ticket ${row.id}`;
  const event = fromJsonText(row.event, isTicketEvent, `${what} event`);
  return {
    id: row.id,
    seq: row.seq,
    route: row.route,
    event: { ...event, action: oneOf(TICKET_ACTIONS, row.action, `${what} action`) },
    state: oneOf(TICKET_STATES, row.state, `${what} state`),
    attempts: row.attempts,
    createdAt: epochMsToIso(row.created_at),
    nextAttemptAt: epochMsToIso(row.next_attempt_at),
    lastAttemptAt: iso(row.last_attempt_at),
    deliveredAt: iso(row.delivered_at),
    lastError: row.last_error,
    ref: row.ref,
  };
}
