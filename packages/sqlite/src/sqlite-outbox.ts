import type { MetricPoint, MetricsOutbox, OutboxBatch } from '@healops/core';
import type { Database, Statement } from 'better-sqlite3';
import { dateToEpochMs, wrapError } from './columns.js';
import { SqliteStoreError } from './errors.js';
import { jsonToPoints, pointsToJson } from './outbox-points.js';

/** Points per metric_outbox row: a batch sent as one unit by the sink (it may split it further). */
export const OUTBOX_ROW_POINTS = 1_000;

/** last_error is cut to this many characters. */
const MAX_ERROR_LENGTH = 2_000;

export interface SqliteOutboxOptions {
  /**
   * When set, due() claims the batches it returns for this many milliseconds (their next attempt moves to
   * now + claimMs), so another process sharing the file does not send them at the same time. ack() and retryLater()
   * end the claim; a process that dies mid-send leaves its batches due again once the claim runs out.
   */
  readonly claimMs?: number;
  /** Clock for created_at (default Date.now). */
  readonly now?: () => number;
}

interface SinkParams {
  readonly sink: string;
}

interface CountRow {
  readonly id: number;
  readonly point_count: number;
}

interface DueRow {
  readonly id: number;
  readonly points: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly next_attempt_at: number;
}

interface InsertParams extends SinkParams {
  readonly points: string;
  readonly point_count: number;
  readonly created_at: number;
}

interface IdParams extends SinkParams {
  readonly id: number;
}

interface RetryParams extends IdParams {
  readonly next_attempt_at: number;
  readonly last_error: string;
}

/**
 * The MetricsOutbox of the local engine: undelivered batches in the metric_outbox table of the HealOps SQLite file,
 * kept across runs and shared by every process using that file. Each write runs in an IMMEDIATE transaction, so
 * concurrent processes never trim or count from a stale view. Batches come out oldest first and in order: while the
 * oldest batch of a sink waits for its retry time, due() returns nothing for that sink.
 */
export class SqliteOutbox implements MetricsOutbox {
  readonly #db: Database;
  readonly #claimMs: number;
  readonly #now: () => number;
  readonly #insert: Statement<[InsertParams]>;
  readonly #pending: Statement<[SinkParams], { total: number }>;
  readonly #counts: Statement<[SinkParams], CountRow>;
  readonly #deleteThrough: Statement<[IdParams]>;
  readonly #loadPoints: Statement<[IdParams], { points: string }>;
  readonly #trim: Statement<[IdParams & { points: string; point_count: number }]>;
  readonly #due: Statement<[SinkParams & { limit: number }], DueRow>;
  readonly #claim: Statement<[IdParams & { until: number }]>;
  readonly #delete: Statement<[IdParams]>;
  readonly #retry: Statement<[RetryParams]>;

  /** `db` must be migrated to schema version 3 or later (openSqliteStore does it). */
  constructor(db: Database, options: SqliteOutboxOptions = {}) {
    const claimMs = options.claimMs ?? 0;
    if (!Number.isSafeInteger(claimMs) || claimMs < 0) {
      throw new SqliteStoreError(`metric outbox: claimMs must be a non-negative integer, got ${claimMs}`);
    }
    this.#db = db;
    this.#claimMs = claimMs;
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare(
      `INSERT INTO metric_outbox (sink, points, point_count, attempts, next_attempt_at, last_error, created_at)
       VALUES (@sink, @points, @point_count, 0, 0, NULL, @created_at)`,
    );
    this.#pending = db.prepare(
      'SELECT COALESCE(SUM(point_count), 0) AS total FROM metric_outbox WHERE sink = @sink',
    );
    this.#counts = db.prepare('SELECT id, point_count FROM metric_outbox WHERE sink = @sink ORDER BY id');
    this.#deleteThrough = db.prepare('DELETE FROM metric_outbox WHERE sink = @sink AND id <= @id');
    this.#loadPoints = db.prepare('SELECT points FROM metric_outbox WHERE sink = @sink AND id = @id');
    this.#trim = db.prepare(
      'UPDATE metric_outbox SET points = @points, point_count = @point_count WHERE sink = @sink AND id = @id',
    );
    this.#due = db.prepare(
      `SELECT id, points, attempts, last_error, next_attempt_at FROM metric_outbox
       WHERE sink = @sink ORDER BY id LIMIT @limit`,
    );
    this.#claim = db.prepare(
      'UPDATE metric_outbox SET next_attempt_at = @until WHERE sink = @sink AND id = @id',
    );
    this.#delete = db.prepare('DELETE FROM metric_outbox WHERE sink = @sink AND id = @id');
    this.#retry = db.prepare(
      `UPDATE metric_outbox SET attempts = attempts + 1, next_attempt_at = @next_attempt_at,
         last_error = @last_error
       WHERE sink = @sink AND id = @id`,
    );
  }

  /**
   * Queues `points` in rows of at most OUTBOX_ROW_POINTS. When the sink would then hold more than `maxPoints`, the
   * oldest points go first (whole rows, then the front of a row, then the front of `points` itself).
   */
  async enqueue(
    sink: string,
    points: readonly MetricPoint[],
    maxPoints: number,
  ): Promise<{ dropped: number }> {
    return this.#guard('enqueue', () => {
      checkSink(sink);
      checkPositive('maxPoints', maxPoints);
      if (points.length === 0) {
        return { dropped: 0 };
      }
      return this.#db.transaction(() => this.#enqueue(sink, points, maxPoints)).immediate();
    });
  }

  /** Oldest first, at most `limit`; stops at the first batch not yet due (so nothing overtakes a batch waiting to retry). */
  async due(sink: string, now: Date, limit: number): Promise<OutboxBatch[]> {
    return this.#guard('read due batches', () => {
      checkSink(sink);
      checkPositive('limit', limit);
      const at = dateToEpochMs(now, 'metric outbox due(now)');
      const read = (): DueRow[] => {
        const rows = this.#due.all({ sink, limit });
        const end = rows.findIndex((row) => row.next_attempt_at > at);
        const due = end === -1 ? rows : rows.slice(0, end);
        if (this.#claimMs > 0) {
          for (const row of due) {
            this.#claim.run({ sink, id: row.id, until: at + this.#claimMs });
          }
        }
        return due;
      };
      const rows = this.#claimMs > 0 ? this.#db.transaction(read).immediate() : read();
      return rows.map((row) => ({
        id: row.id,
        points: jsonToPoints(row.points, `metric outbox batch ${row.id} of ${sink}`),
        attempts: row.attempts,
        lastError: row.last_error,
      }));
    });
  }

  /** Deletes the batch; a batch already gone (trimmed, acknowledged by another process) is fine. */
  async ack(sink: string, id: number): Promise<void> {
    this.#guard('acknowledge a batch', () => {
      this.#delete.run({ sink, id });
    });
  }

  async retryLater(sink: string, id: number, error: string, retryAt: Date): Promise<void> {
    this.#guard('reschedule a batch', () => {
      this.#retry.run({
        sink,
        id,
        next_attempt_at: dateToEpochMs(retryAt, 'metric outbox retryAt'),
        last_error: error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error,
      });
    });
  }

  async pending(sink: string): Promise<number> {
    return this.#guard('count pending points', () => this.#pending.get({ sink })?.total ?? 0);
  }

  #enqueue(sink: string, points: readonly MetricPoint[], maxPoints: number): { dropped: number } {
    const pending = this.#pending.get({ sink })?.total ?? 0;
    let excess = pending + points.length - maxPoints;
    let dropped = 0;
    if (excess > 0) {
      let lastWhole: number | undefined;
      let partial: { id: number; cut: number } | undefined;
      for (const row of this.#counts.all({ sink })) {
        if (row.point_count <= excess) {
          lastWhole = row.id;
          excess -= row.point_count;
          dropped += row.point_count;
        } else {
          partial = { id: row.id, cut: excess };
          dropped += excess;
          excess = 0;
        }
        if (excess === 0) break;
      }
      if (lastWhole !== undefined) {
        this.#deleteThrough.run({ sink, id: lastWhole });
      }
      if (partial !== undefined) {
        this.#trimFront(sink, partial.id, partial.cut);
      }
    }
    const kept = excess > 0 ? points.slice(excess) : points;
    dropped += points.length - kept.length;
    const createdAt = this.#now();
    for (let start = 0; start < kept.length; start += OUTBOX_ROW_POINTS) {
      const rowPoints = kept.slice(start, start + OUTBOX_ROW_POINTS);
      this.#insert.run({
        sink,
        points: pointsToJson(rowPoints, `metric outbox points for ${sink}`),
        point_count: rowPoints.length,
        created_at: createdAt,
      });
    }
    return { dropped };
  }

  #trimFront(sink: string, id: number, cut: number): void {
    const row = this.#loadPoints.get({ sink, id });
    if (row === undefined) {
      throw new SqliteStoreError(`metric outbox batch ${id} of ${sink} vanished while trimming`);
    }
    const rest = jsonToPoints(row.points, `metric outbox batch ${id} of ${sink}`).slice(cut);
    this.#trim.run({
      sink,
      id,
      points: pointsToJson(rest, `metric outbox batch ${id} of ${sink}`),
      point_count: rest.length,
    });
  }

  #guard<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw wrapError(`metric outbox: ${operation}`, error);
    }
  }
}

function checkSink(sink: string): void {
  if (sink.length === 0) {
    throw new SqliteStoreError('metric outbox: the sink name is empty');
  }
}

function checkPositive(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SqliteStoreError(`metric outbox: ${what} must be a positive integer, got ${value}`);
  }
}
