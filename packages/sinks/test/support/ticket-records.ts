import type { TicketEvent, TicketLinks, TicketRecord, TicketSendContext } from '@healops/core';
import { makeTicketEvent } from '../../../core/test/support/tickets-fixtures.js';

export { makeTicketEvent };

/** A 32-character routing key, as PagerDuty issues them. */
export const ROUTING_KEY = 'R0UTINGKEYs3cr3t0123456789abcdef';

let seq = 0;

/** A pending outbox record for `event` (a trigger by default). */
export function ticketRecord(
  event: TicketEvent = makeTicketEvent(),
  overrides: Partial<TicketRecord> = {},
): TicketRecord {
  seq++;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    route: 'test',
    event,
    seq,
    state: 'pending',
    attempts: 0,
    createdAt: event.occurredAt,
    nextAttemptAt: event.occurredAt,
    lastAttemptAt: null,
    deliveredAt: null,
    lastError: null,
    ref: null,
    ...overrides,
  };
}

/** Links kept in a Map: what the SQLite store does, without the file. */
export class MapLinks implements TicketLinks {
  readonly links = new Map<string, string>();

  async getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return this.links.get(`${route}\u0000${dedupKey}`);
  }

  async setLink(route: string, dedupKey: string, ref: string | null): Promise<void> {
    if (ref === null) this.links.delete(`${route}\u0000${dedupKey}`);
    else this.links.set(`${route}\u0000${dedupKey}`, ref);
  }
}

export function sendContext(now = new Date(), signal?: AbortSignal): TicketSendContext {
  return { links: new MapLinks(), now, ...(signal ? { signal } : {}) };
}
