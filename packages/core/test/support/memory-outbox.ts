import {
  type DueOptions,
  type MetricsOutbox,
  OUTBOX_MAX_RETRY_WAIT_MS,
  type OutboxBatch,
} from '../../src/metrics/ports.js';
import type { MetricPoint } from '../../src/model/results.js';

interface Row {
  id: number;
  sink: string;
  points: MetricPoint[];
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
}

/** In-memory MetricsOutbox with the port's contract (bounded, oldest dropped first); the SQLite one is tested apart. */
export class MemoryOutbox implements MetricsOutbox {
  readonly rows: Row[] = [];
  #next = 1;

  async enqueue(sink: string, points: readonly MetricPoint[], maxPoints: number) {
    this.rows.push({
      id: this.#next++,
      sink,
      points: [...points],
      attempts: 0,
      lastError: null,
      nextAttemptAt: 0,
    });
    let dropped = 0;
    let over = (await this.pending(sink)) - maxPoints;
    for (const row of this.rows.filter((r) => r.sink === sink)) {
      if (over <= 0) break;
      const cut = Math.min(over, row.points.length);
      row.points.splice(0, cut);
      dropped += cut;
      over -= cut;
    }
    for (let i = this.rows.length - 1; i >= 0; i--)
      if (this.rows[i]?.points.length === 0) this.rows.splice(i, 1);
    return { dropped };
  }
  async due(sink: string, now: Date, limit: number, options: DueOptions = {}): Promise<OutboxBatch[]> {
    const rows = this.rows.filter((r) => r.sink === sink);
    const next = rows[0]?.nextAttemptAt ?? 0;
    const waiting = next > now.getTime() && next <= now.getTime() + OUTBOX_MAX_RETRY_WAIT_MS;
    if (!options.ignoreBackoff && waiting) return [];
    return rows
      .slice(0, limit)
      .map((r) => ({ id: r.id, points: r.points, attempts: r.attempts, lastError: r.lastError }));
  }
  async ack(_sink: string, id: number) {
    const at = this.rows.findIndex((r) => r.id === id);
    if (at >= 0) this.rows.splice(at, 1);
  }
  async retryLater(_sink: string, id: number, error: string, retryAt: Date) {
    const row = this.rows.find((r) => r.id === id);
    if (row)
      Object.assign(row, { attempts: row.attempts + 1, lastError: error, nextAttemptAt: retryAt.getTime() });
  }
  async pending(sink: string) {
    return this.rows.filter((r) => r.sink === sink).reduce((n, r) => n + r.points.length, 0);
  }
}
