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
const DUE_PAGE = 500;

/** Points of one result share a time and dimensions (Timestream makes them one record): never split them. */
function resultKey(point: MetricPoint): string {
  const dims = Object.entries(point.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${point.time}\u0000${JSON.stringify(dims)}`;
}

/** Consecutive chunks of at most `size` points that keep each result whole (a larger result goes alone). */
export function resultChunks(points: readonly MetricPoint[], size: number): MetricPoint[][] {
  const groups: MetricPoint[][] = [];
  let lastKey: string | undefined;
  for (const point of points) {
    const key = resultKey(point);
    if (key === lastKey) groups[groups.length - 1]?.push(point);
    else groups.push([point]);
    lastKey = key;
  }
  const out: MetricPoint[][] = [];
  let current: MetricPoint[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > size) {
      out.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) out.push(current);
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
  /** The first flush of a process tries the oldest batch at once, backoff or not: the store may be back. */
  #probed = false;

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

  /**
   * Sends what is due, a page of outbox rows at a time (chunked on result boundaries, so a result split across rows
   * is sent whole). Stops at the first retryable failure: the store is down, no point hammering it; the page stays
   * queued and is resent whole later (idempotent writes make the chunks already delivered harmless).
   */
  async flush(): Promise<void> {
    const { outbox, clock } = this.#options;
    const now = clock.now();
    const horizon = this.#probed ? now : new Date(8.64e15);
    this.#probed = true;
    for (;;) {
      const batches = await outbox.due(this.name, horizon, DUE_PAGE);
      if (batches.length === 0) return;
      try {
        for (const chunk of resultChunks(
          batches.flatMap((b) => b.points),
          this.#batchSize,
        )) {
          await this.#sendChunk(chunk);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const attempts = Math.max(...batches.map((b) => b.attempts)) + 1;
        const retryAt = new Date(now.getTime() + this.#delay(attempts));
        for (const batch of batches) await outbox.retryLater(this.name, batch.id, message, retryAt);
        const count = batches.reduce((n, b) => n + b.points.length, 0);
        this.#problem(`delivery failed, ${count}+ points kept for ${retryAt.toISOString()}: ${message}`);
        return;
      }
      for (const batch of batches) await outbox.ack(this.name, batch.id);
    }
  }

  /** One request. A chunk the store refuses for good is dropped and counted; anything retryable is rethrown. */
  async #sendChunk(chunk: readonly MetricPoint[]): Promise<void> {
    try {
      const { rejected } = await this.#options.transport.send(chunk);
      for (const r of rejected)
        this.#problem(`store refused a point (${chunk[r.index]?.name ?? '?'}): ${r.reason}`);
      this.#dropped += rejected.length;
    } catch (error) {
      if (!(error instanceof TransportError) || error.retryable) throw error;
      // The chunk itself is bad: retrying cannot help, and keeping it would block everything behind it.
      this.#dropped += chunk.length;
      this.#problem(`dropped ${chunk.length} points: ${error.message}`);
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
