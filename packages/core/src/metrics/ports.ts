import type { MetricPoint } from '../model/results.js';

/** What a store said about one batch: points it refused for good (bad data), by index, with the reason. */
export interface DeliveryResult {
  readonly rejected: ReadonlyArray<{ readonly index: number; readonly reason: string }>;
}

/**
 * Sends batches to one time-series store. Throws TransportError for a failure of the whole batch; `retryable`
 * tells whether trying again later can help (down, timeout, 429, 5xx) or not (400: the batch itself is bad).
 */
export interface BatchTransport {
  /** Most points one request may carry (Timestream: 100 records). */
  readonly maxBatch: number;
  /** Points of one result (same time and dimensions) must travel in one request (Timestream: one record). */
  readonly wholeResults?: boolean;
  send(points: readonly MetricPoint[], signal?: AbortSignal): Promise<DeliveryResult>;
}

/**
 * The longest a batch may wait for its retry. A retry time (or claim) further ahead than this means the clock went
 * backwards; outboxes then treat the batch as due rather than stall delivery.
 */
export { OUTBOX_MAX_RETRY_WAIT_MS } from '../delivery/backoff.js';

export interface DueOptions {
  /**
   * Return the oldest batches even while they wait for their retry time (a new process probing a store that may be
   * back). Batches claimed by another flusher are never returned.
   */
  readonly ignoreBackoff?: boolean;
}

export interface OutboxBatch {
  readonly id: number;
  readonly points: readonly MetricPoint[];
  readonly attempts: number;
  readonly lastError: string | null;
}

/**
 * Durable buffer of points not yet delivered to a sink (local: a table in the SQLite home). Bounded: enqueueing
 * past `maxPoints` drops the oldest points, and says how many.
 */
export interface MetricsOutbox {
  enqueue(sink: string, points: readonly MetricPoint[], maxPoints: number): Promise<{ dropped: number }>;
  /**
   * Oldest first, at most `limit`. Empty while the OLDEST batch waits for its retry time: the store is backing off,
   * and newer batches wait behind it so points are delivered in order and a down store is not hammered.
   */
  due(sink: string, now: Date, limit: number, options?: DueOptions): Promise<OutboxBatch[]>;
  ack(sink: string, id: number): Promise<void>;
  /** Keeps the batch for a later attempt at `retryAt`, remembering the error. */
  retryLater(sink: string, id: number, error: string, retryAt: Date): Promise<void>;
  /** Points still waiting. */
  pending(sink: string): Promise<number>;
}
