import type { TicketEvent } from './ticket-event.js';

// Ports of the ticket pipeline. A ticket action is written to the outbox (in the same transaction as the state
// change that caused it) before anything is sent; a deliverer sends it through the route's transport, marks it
// delivered, retries it with backoff while it fails, and dead-letters it with its last error after a bounded
// number of passes. Adapters: SQLite locally, DynamoDB on AWS.

export const TICKET_STATES = ['pending', 'delivered', 'dead'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** One ticket action for one route, as the engine queues it. */
export interface QueuedTicket {
  /** Delivery id: stable across retries (webhook receivers deduplicate on it). A UUID. */
  readonly id: string;
  /** Name of the route in `tickets:` (its `name`, else its type). */
  readonly route: string;
  readonly event: TicketEvent;
}

/** A ticket action in the outbox. */
export interface TicketRecord extends QueuedTicket {
  /** Order of queueing: actions of one (route, dedup key) are delivered in this order. */
  readonly seq: number;
  readonly state: TicketState;
  /** Delivery passes spent (each pass may retry quickly a few times). */
  readonly attempts: number;
  /** ISO times. */
  readonly createdAt: string;
  readonly nextAttemptAt: string;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
  /** The last failure, secrets removed; kept after delivery for the record. */
  readonly lastError: string | null;
  /** What the receiver calls the ticket (Jira issue key, PagerDuty dedup key), once known. */
  readonly ref: string | null;
}

export interface ClaimOptions {
  /** The claim lasts this long; another deliverer skips the records meanwhile. */
  readonly claimMs: number;
  /**
   * Also return records still waiting for their retry time (a new process probing a receiver that may be back).
   * Records claimed by another deliverer are never returned.
   */
  readonly ignoreBackoff?: boolean;
}

export interface TicketListQuery {
  readonly states?: readonly TicketState[];
  readonly route?: string;
  readonly dedupKey?: string;
  /** The most recent `limit` records (still oldest first). */
  readonly limit?: number;
}

export interface TicketOutbox {
  /** Queues actions on their own (e.g. a CloudWatch alarm); the engine queues through StateStore.save. */
  enqueue(tickets: readonly QueuedTicket[], at: Date): Promise<void>;
  /**
   * Claims and returns the route's pending records that are due at `now`, oldest first, at most `limit` — but only
   * the oldest pending record of each dedup key (a resolve never overtakes its trigger). Dead and delivered records
   * never block later ones.
   */
  claimDue(route: string, now: Date, limit: number, options: ClaimOptions): Promise<TicketRecord[]>;
  markDelivered(id: string, at: Date, ref: string | null): Promise<void>;
  /**
   * Records a failed pass: `retryAt` keeps the record pending until then; `dead` dead-letters it. `countAttempt`
   * false (a probe ahead of the retry time) leaves the attempt count and the retry time as they were.
   */
  markFailed(
    id: string,
    error: string,
    outcome: { readonly retryAt: Date; readonly countAttempt: boolean } | { readonly dead: true },
    at: Date,
  ): Promise<void>;
  /** Gives back claimed records that were not tried (the route went down, the run ended). */
  release(ids: readonly string[]): Promise<void>;
  /** Oldest first. */
  list(query: TicketListQuery): Promise<TicketRecord[]>;
  /**
   * Dead records back to pending, due now, with a fresh attempt count; `ids` undefined = all. A dead record with a
   * later pending or delivered one for the same route and problem is superseded and stays dead (re-sending a
   * trigger whose resolve went out would reopen a closed incident). Returns how many were re-queued.
   */
  retryDead(ids: readonly string[] | undefined, now: Date): Promise<number>;
  counts(): Promise<Readonly<Record<TicketState, number>>>;
  /**
   * When actions on `route` were last tried, for those tried since `since` (delivered or not), oldest first: the
   * seed of a per-route rate limit shared with earlier processes.
   */
  attemptsSince(route: string, since: Date): Promise<Date[]>;
}

/** What a receiver calls the ticket of a problem on a route (Jira: the issue key), kept between runs. */
export interface TicketLinks {
  getLink(route: string, dedupKey: string): Promise<string | undefined>;
  /** null forgets the link (the ticket was resolved). */
  setLink(route: string, dedupKey: string, ref: string | null, at: Date): Promise<void>;
}

export interface TicketSendContext {
  readonly links: TicketLinks;
  readonly now: Date;
  readonly signal?: AbortSignal;
}

/**
 * Sends ticket actions to one receiver. Resolves with the receiver's reference for the ticket (or null); throws
 * TransportError otherwise — `retryable` false for a refusal of the action itself (HTTP 400: dead-letter it).
 * Implementations are idempotent per record id where the receiver allows (dedup keys, delivery ids, lookups).
 */
export interface TicketTransport {
  /** Most requests per minute this route may send (PagerDuty: 120 per routing key). */
  readonly ratePerMinute?: number;
  /** Longest one send can take (its requests times their timeout): claims are sized from it. */
  readonly maxSendMs?: number;
  send(record: TicketRecord, context: TicketSendContext): Promise<{ readonly ref: string | null }>;
  /** Secret values this transport holds, to scrub from error messages before they are stored or shown. */
  readonly secrets?: readonly string[];
}
