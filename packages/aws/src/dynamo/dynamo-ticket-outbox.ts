import type {
  ClaimOptions,
  QueuedTicket,
  TicketLinks,
  TicketListQuery,
  TicketOutbox,
  TicketRecord,
  TicketState,
} from '@healops/core';
import type { DynamoTable } from './dynamo-table.js';
import { claimDueTickets, releaseTickets } from './ticket-claims.js';
import { getTicketLink, setTicketLink } from './ticket-links.js';
import { countTickets, listTickets, ticketAttemptsSince } from './ticket-listing.js';
import { type FailedOutcome, markTicketDelivered, markTicketFailed } from './ticket-outcomes.js';
import { enqueueTickets } from './ticket-queue.js';
import { retryDeadTickets } from './ticket-retries.js';

const DAY_MS = 86_400_000;

/**
 * The ticket outbox and ticket links in the HealOps table. Claims are conditional writes on the ticket item
 * (`claimedUntil` expired, still pending), so two deliverers (two Lambdas) never send the same action at once; a
 * record that loses the race is skipped. Candidates are read from gsi1 (pending actions of the route only).
 * Delivered actions expire `deliveredRetentionDays` after delivery (TTL): that is the outbox's prune.
 */
export class DynamoTicketOutbox implements TicketOutbox, TicketLinks {
  readonly #table: DynamoTable;
  readonly #deliveredRetentionMs: number;

  constructor(table: DynamoTable, deliveredRetentionDays: number) {
    this.#table = table;
    this.#deliveredRetentionMs = deliveredRetentionDays * DAY_MS;
  }

  enqueue(tickets: readonly QueuedTicket[], at: Date): Promise<void> {
    return enqueueTickets(this.#table, tickets, at);
  }

  claimDue(route: string, now: Date, limit: number, options: ClaimOptions): Promise<TicketRecord[]> {
    return claimDueTickets(this.#table, route, now, limit, options);
  }

  markDelivered(id: string, at: Date, ref: string | null): Promise<void> {
    return markTicketDelivered(this.#table, id, at, ref, this.#deliveredRetentionMs);
  }

  markFailed(id: string, error: string, outcome: FailedOutcome, at: Date): Promise<void> {
    return markTicketFailed(this.#table, id, error, outcome, at);
  }

  release(ids: readonly string[]): Promise<void> {
    return releaseTickets(this.#table, ids);
  }

  list(query: TicketListQuery): Promise<TicketRecord[]> {
    return listTickets(this.#table, query);
  }

  retryDead(ids: readonly string[] | undefined, now: Date): Promise<number> {
    return retryDeadTickets(this.#table, ids, now);
  }

  counts(): Promise<Readonly<Record<TicketState, number>>> {
    return countTickets(this.#table);
  }

  attemptsSince(route: string, since: Date): Promise<Date[]> {
    return ticketAttemptsSince(this.#table, route, since);
  }

  // --- TicketLinks ---

  getLink(route: string, dedupKey: string): Promise<string | undefined> {
    return getTicketLink(this.#table, route, dedupKey);
  }

  setLink(route: string, dedupKey: string, ref: string | null, at: Date): Promise<void> {
    return setTicketLink(this.#table, route, dedupKey, ref, at);
  }
}
