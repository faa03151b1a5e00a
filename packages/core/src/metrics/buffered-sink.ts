import { TransportError } from '../errors.js';
import type { MetricPoint } from '../model/results.js';
import type { Clock, MetricsSink, SinkHealth } from '../ports.js';
import type { BatchTransport, MetricsOutbox } from './ports.js';

export interface BufferedSinkOptions {
  readonly name: string;
  readonly transport: BatchTransport;
  readonly outbox: MetricsOutbox;
  readonly clock: Clock;
  /** Points kept while the store is unreachable; beyond it the oldest are dropped and counted. */
  readonly maxBuffer: number;
  /** Points per request, at most the transport's maxBatch. */
  readonly batchSize?: number;
  /** Retry delay after a failed delivery: base * 2^(attempts-1), capped. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Told about every failed delivery and every point a store refused (for logs); never throws into the sink. */
  readonly onProblem?: (message: string) => void;
}

const DEFAULT_BACKOFF = { baseMs: 5_000, maxMs: 10 * 60_000 };
/** Outbox rows fetched per round trip while flushing. */
const DUE_PAGE = 20;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Durable delivery to a remote store: points are written to the outbox first (so a crash or an outage loses
 * nothing), then sent in batches on flush; a failure leaves them queued for a later flush with exponential backoff.
 * Points the store refuses for good (bad data) and points dropped because the buffer is full are counted and
 * reported as healops.sink.dropped; what is still queued is healops.sink.pending. A batch resent after a timeout is
 * harmless: every sink writes points idempotently (same series + timestamp, or a record version).
 */
export class BufferedSink implements MetricsSink {
  readonly name: string;
  readonly #options: BufferedSinkOptions;
  readonly #batchSize: number;
  #dropped = 0;

  constructor(options: BufferedSinkOptions) {
    this.name = options.name;
    this.#options = options;
    this.#batchSize = Math.max(
      1,
      Math.min(options.batchSize ?? options.transport.maxBatch, options.transport.maxBatch),
    );
  }

  async write(points: readonly MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    const { dropped } = await this.#options.outbox.enqueue(this.name, points, this.#options.maxBuffer);
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#problem(`buffer full (${this.#options.maxBuffer} points): dropped the ${dropped} oldest`);
    }
  }

  /** Sends what is due; stops at the first retryable failure (the store is down: no point hammering it). */
  async flush(): Promise<void> {
    const { outbox, transport, clock } = this.#options;
    const now = clock.now();
    for (;;) {
      const batches = await outbox.due(this.name, now, DUE_PAGE);
      if (batches.length === 0) return;
      for (const batch of batches) {
        try {
          for (const chunk of chunks(batch.points, this.#batchSize)) {
            const { rejected } = await transport.send(chunk);
            for (const r of rejected)
              this.#problem(`store refused a point (${chunk[r.index]?.name ?? '?'}): ${r.reason}`);
            this.#dropped += rejected.length;
          }
          await outbox.ack(this.name, batch.id);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (error instanceof TransportError && !error.retryable) {
            // The batch itself is bad: retrying cannot help, keeping it would block everything behind it.
            this.#dropped += batch.points.length;
            this.#problem(`dropped a batch of ${batch.points.length} points: ${message}`);
            await outbox.ack(this.name, batch.id);
            continue;
          }
          const retryAt = new Date(now.getTime() + this.#delay(batch.attempts + 1));
          await outbox.retryLater(this.name, batch.id, message, retryAt);
          this.#problem(
            `delivery failed, ${batch.points.length}+ points kept for ${retryAt.toISOString()}: ${message}`,
          );
          return;
        }
      }
    }
  }

  /** Queued points now, and points lost since the last call (the counter restarts). */
  async health(): Promise<SinkHealth> {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return { pending: await this.#options.outbox.pending(this.name), dropped };
  }

  #delay(attempt: number): number {
    const { baseMs, maxMs } = this.#options.backoff ?? DEFAULT_BACKOFF;
    return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  }

  #problem(message: string): void {
    try {
      this.#options.onProblem?.(`metrics sink ${this.name}: ${message}`);
    } catch {
      // Reporting must never break delivery.
    }
  }
}
