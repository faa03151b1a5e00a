import {
  type QueuedTicket,
  TICKET_ACTIONS,
  TICKET_STATES,
  type TicketEvent,
  type TicketRecord,
} from '@healops/core';
import { padNumber, ticketIdKey, ticketKey, ticketStatePk } from './item-keys.js';
import {
  fromJson,
  type Item,
  isRecord,
  oneOf,
  readNullableNumber,
  readNullableString,
  readNumber,
  readString,
} from './item-values.js';

/**
 * A queued ticket action: `pk=TICKET#<route>`, `sk=<seq>`, in gsi1 under `TICKETS#pending#<route>` until it is
 * delivered or dead-lettered. Times are epoch milliseconds; `claimedUntil` 0 = not claimed.
 */
export function ticketToItem(ticket: QueuedTicket, seq: number, atMs: number): Item {
  return {
    ...ticketKey(ticket.route, seq),
    gsi1pk: ticketStatePk('pending', ticket.route),
    gsi1sk: padNumber(seq),
    id: ticket.id,
    route: ticket.route,
    seq,
    dedupKey: ticket.event.dedupKey,
    action: ticket.event.action,
    event: JSON.stringify(ticket.event),
    state: 'pending',
    attempts: 0,
    createdAt: atMs,
    nextAttemptAt: atMs,
    claimedUntil: 0,
  };
}

/** The pointer from a delivery id to its ticket item (also what keeps delivery ids unique). */
export function ticketIdItem(ticket: QueuedTicket, seq: number): Item {
  return { ...ticketIdKey(ticket.id), route: ticket.route, seq };
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

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function itemToTicket(item: Item): TicketRecord {
  const what = `ticket ${String(item.id)}`;
  const event = fromJson(readString(item, 'event', what), isTicketEvent, `${what} event`);
  return {
    id: readString(item, 'id', what),
    seq: readNumber(item, 'seq', what),
    route: readString(item, 'route', what),
    event: { ...event, action: oneOf(TICKET_ACTIONS, readString(item, 'action', what), `${what} action`) },
    state: oneOf(TICKET_STATES, readString(item, 'state', what), `${what} state`),
    attempts: readNumber(item, 'attempts', what),
    createdAt: new Date(readNumber(item, 'createdAt', what)).toISOString(),
    nextAttemptAt: new Date(readNumber(item, 'nextAttemptAt', what)).toISOString(),
    lastAttemptAt: iso(readNullableNumber(item, 'lastAttemptAt', what)),
    deliveredAt: iso(readNullableNumber(item, 'deliveredAt', what)),
    lastError: readNullableString(item, 'lastError', what),
    ref: readNullableString(item, 'ref', what),
  };
}
