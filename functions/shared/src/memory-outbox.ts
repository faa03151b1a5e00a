import {
  type DueOptions,
  type MetricPoint,
  type MetricsOutbox,
  OUTBOX_MAX_RETRY_WAIT_MS,
  type OutboxBatch,
} from '@healops/core';

interface Row {
  readonly id: number;
  points: MetricPoint[];
  attempts: number;
  lastError: string | null;
  /** Epoch ms; 0: due now. */
  retryAt: number;
}

/**
 * The outbox of a function's remote sinks, in the execution environment's memory (a Lambda has no disk to keep a
 * SQLite outbox on): what a store did not take in one invocation is tried again by the next invocation the same
 * environment serves, and is lost when the environment is recycled. Bounded like every outbox: past `maxPoints` the
 * oldest points are dropped, and counted.
 */
export class MemoryOutbox implements MetricsOutbox {
  readonly #rows = new Map<string, Row[]>();
  #next = 1;

  async enqueue(
    sink: string,
    points: readonly MetricPoint[],
    maxPoints: number,
  ): Promise<{ dropped: number }> {
    const rows = this.#of(sink);
    rows.push({ id: this.#next++, points: [...points], attempts: 0, lastError: null, retryAt: 0 });
    let over = count(rows) - maxPoints;
    let dropped = 0;
    while (over > 0 && rows.length > 0) {
      const oldest = rows[0] as Row;
      const cut = Math.min(over, oldest.points.length);
      oldest.points = oldest.points.slice(cut);
      dropped += cut;
      over -= cut;
      if (oldest.points.length === 0) rows.shift();
    }
    return { dropped };
  }

  async due(sink: string, now: Date, limit: number, options: DueOptions = {}): Promise<OutboxBatch[]> {
    const rows = this.#of(sink);
    const next = rows[0]?.retryAt ?? 0;
    // A retry time further ahead than the longest wait means the clock went backwards: due now.
    const waiting = next > now.getTime() && next <= now.getTime() + OUTBOX_MAX_RETRY_WAIT_MS;
    if (waiting && options.ignoreBackoff !== true) return [];
    return rows.slice(0, limit).map((r) => ({
      id: r.id,
      points: r.points,
      attempts: r.attempts,
      lastError: r.lastError,
    }));
  }

  async ack(sink: string, id: number): Promise<void> {
    const rows = this.#of(sink);
    const at = rows.findIndex((r) => r.id === id);
    if (at >= 0) rows.splice(at, 1);
  }

  async retryLater(sink: string, id: number, error: string, retryAt: Date): Promise<void> {
    const row = this.#of(sink).find((r) => r.id === id);
    if (row === undefined) return;
    row.attempts += 1;
    row.lastError = error;
    row.retryAt = retryAt.getTime();
  }

  async pending(sink: string): Promise<number> {
    return count(this.#of(sink));
  }

  #of(sink: string): Row[] {
    let rows = this.#rows.get(sink);
    if (rows === undefined) {
      rows = [];
      this.#rows.set(sink, rows);
    }
    return rows;
  }
}

function count(rows: readonly Row[]): number {
  return rows.reduce((n, r) => n + r.points.length, 0);
}
