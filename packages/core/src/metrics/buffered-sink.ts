import { retryWait } from '../delivery/backoff.js';
import { TransportError } from '../errors.js';
import type { MetricPoint } from '../model/results.js';
import type { Clock, MetricsSink, SinkHealth } from '../ports.js';
import type { BatchTransport, MetricsOutbox, OutboxBatch } from './ports.js';
import { resultChunks } from './result-chunks.js';

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
/** Outbox rows fetched per round trip while flushing (a row is one or a few results, at most 1,000 points). */
const DUE_PAGE = 100;
/** Most points one outbox row holds; rows are cut on result boundaries. */
export const OUTBOX_ROW_POINTS = 1_000;

/** A request's worth of points and the outbox rows it finishes when delivered. */
interface Chunk {
  readonly points: MetricPoint[];
  readonly completes: OutboxBatch[];
}

/**
 * Packs rows into requests of at most `size` points without splitting a row when it fits; a larger row is cut (on
 * result boundaries when the transport needs whole results). A row is acknowledged once its last chunk is delivered.
 */
function plan(batches: readonly OutboxBatch[], size: number, wholeResults: boolean): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk = { points: [], completes: [] };
  const close = () => {
    if (current.points.length > 0 || current.completes.length > 0) chunks.push(current);
    current = { points: [], completes: [] };
  };
  for (const batch of batches) {
    if (batch.points.length <= size) {
      if (current.points.length + batch.points.length > size) close();
      current.points.push(...batch.points);
      current.completes.push(batch);
      continue;
    }
    close();
    const parts = wholeResults ? resultChunks(batch.points, size) : sliceBy(batch.points, size);
    parts.forEach((part, i) => {
      chunks.push({ points: part, completes: i === parts.length - 1 ? [batch] : [] });
    });
  }
  close();
  return chunks;
}

function sliceBy<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Durable delivery to a remote store. Points go to the outbox first (a crash or an outage loses nothing), one row
 * per whole result; flush() sends them in order, acknowledging each row as soon as it is delivered, so a failure
 * resends only what did not arrive. While a store fails, its rows wait with exponential backoff counted from the
 * failure (or the store's Retry-After, if longer); the first flush of a process tries once regardless, in case the
 * store is back. Only data the store refused (HTTP 400, rejected records) is dropped — credentials, URLs and outages
 * keep the points. Dropped and refused points are counted for healops.sink.dropped; queued ones are
 * healops.sink.pending. Flushes of one sink never overlap.
 */
export class BufferedSink implements MetricsSink {
  readonly name: string;
  readonly #options: BufferedSinkOptions;
  readonly #batchSize: number;
  #dropped = 0;
  #probed = false;
  #flushing: Promise<void> | undefined;

  constructor(options: BufferedSinkOptions) {
    this.name = options.name;
    this.#options = options;
    this.#batchSize = Math.max(
      1,
      Math.min(options.batchSize ?? options.transport.maxBatch, options.transport.maxBatch),
    );
  }

  async write(points: readonly MetricPoint[]): Promise<void> {
    for (const slice of resultChunks(points, OUTBOX_ROW_POINTS)) {
      const { dropped } = await this.#options.outbox.enqueue(this.name, slice, this.#options.maxBuffer);
      if (dropped > 0) {
        this.#dropped += dropped;
        this.#problem(`buffer full (${this.#options.maxBuffer} points): dropped the ${dropped} oldest`);
      }
    }
  }

  /** Sends what is due; a second call while one runs waits for it instead of sending the same rows again. */
  flush(signal?: AbortSignal): Promise<void> {
    this.#flushing ??= this.#flush(signal).finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush(signal?: AbortSignal): Promise<void> {
    const { outbox, clock, transport } = this.#options;
    const probe = !this.#probed;
    this.#probed = true;
    for (;;) {
      if (signal?.aborted) return;
      const batches = await outbox.due(this.name, clock.now(), DUE_PAGE, { ignoreBackoff: probe });
      if (batches.length === 0) return;
      const chunks = plan(batches, this.#batchSize, transport.wholeResults === true);
      for (const [i, chunk] of chunks.entries()) {
        try {
          await this.#deliver(chunk.points, signal);
        } catch (error) {
          await this.#keep(chunks.slice(i), error);
          return;
        }
        for (const batch of chunk.completes) await outbox.ack(this.name, batch.id);
      }
    }
  }

  /** One request; a 413 halves it. Points the store refuses for good are counted; anything else is rethrown. */
  async #deliver(points: readonly MetricPoint[], signal?: AbortSignal): Promise<void> {
    if (points.length === 0) return;
    try {
      const { rejected } = await this.#options.transport.send(points, signal);
      for (const r of rejected)
        this.#problem(`store refused a point (${points[r.index]?.name ?? '?'}): ${r.reason}`);
      this.#dropped += rejected.length;
    } catch (error) {
      if (!(error instanceof TransportError) || error.retryable) throw error;
      if (error.tooLarge && points.length > 1) {
        const half = Math.ceil(points.length / 2);
        await this.#deliver(points.slice(0, half), signal);
        await this.#deliver(points.slice(half), signal);
        return;
      }
      this.#dropped += points.length;
      this.#problem(`dropped ${points.length} points the store refused: ${error.message}`);
    }
  }

  /** Puts the undelivered rows back, due after the backoff counted from now (the failure) or Retry-After. */
  async #keep(rest: readonly Chunk[], error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const rows = new Map<number, OutboxBatch>();
    for (const chunk of rest) for (const batch of chunk.completes) rows.set(batch.id, batch);
    const attempts = Math.max(1, ...[...rows.values()].map((b) => b.attempts + 1));
    const wait = retryWait(attempts, this.#options.backoff ?? DEFAULT_BACKOFF, error);
    const retryAt = new Date(this.#options.clock.now().getTime() + wait);
    for (const batch of rows.values())
      await this.#options.outbox.retryLater(this.name, batch.id, message, retryAt);
    const count = [...rows.values()].reduce((n, b) => n + b.points.length, 0);
    this.#problem(`delivery failed; ${count} points kept, next try ${retryAt.toISOString()}: ${message}`);
  }

  /** Queued points now, and points lost since the last call (the counter restarts). */
  async health(): Promise<SinkHealth> {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return { pending: await this.#options.outbox.pending(this.name), dropped };
  }

  #problem(message: string): void {
    try {
      this.#options.onProblem?.(`metrics sink ${this.name}: ${message}`);
    } catch {
      // Reporting must never break delivery.
    }
  }
}
