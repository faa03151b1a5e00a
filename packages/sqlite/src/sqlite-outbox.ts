import {
  type DueOptions,
  type MetricPoint,
  type MetricsOutbox,
  OUTBOX_MAX_RETRY_WAIT_MS,
  type OutboxBatch,
} from '@healops/core';
import type { Database, Statement } from 'better-sqlite3';
import { dateToEpochMs, wrapError } from './columns.js';
import { SqliteStoreError } from './errors.js';
import { jsonToPoints, pointsToJson } from './outbox-points.js';

/** Points per metric_outbox row: a batch sent as one unit by the sink (it may split it further). */
export const OUTBOX_ROW_POINTS = 1_000;

/** How long due() claims what it returns unless told otherwise: 5 minutes. */
export const DEFAULT_CLAIM_MS = 300_000;

/** last_error is cut to this many characters. */
const MAX_ERROR_LENGTH = 2_000;

/**
 * The outbox's statements (exported for the query-plan test). Every row's large `points` text precedes its other
 * columns, so the scans that need no points (pending, counts, queue) must read only the covering index
 * metric_outbox_sink (sink, id, point_count, next_attempt_at, claimed_until), never the table.
 */
export const OUTBOX_SQL = {
  insert: `INSERT INTO metric_outbox (sink, points, point_count, attempts, next_attempt_at, last_error, created_at)
    VALUES (@sink, @points, @point_count, 0, 0, NULL, @created_at)`,
  pending: 'SELECT COALESCE(SUM(point_count), 0) AS total FROM metric_outbox WHERE sink = @sink',
  counts: 'SELECT id, point_count FROM metric_outbox WHERE sink = @sink ORDER BY id',
  queue: `SELECT id, next_attempt_at, claimed_until FROM metric_outbox WHERE sink = @sink
    ORDER BY id LIMIT @limit`,
  load: `SELECT id, points, attempts, last_error FROM metric_outbox
    WHERE sink = @sink AND id BETWEEN @first AND @last ORDER BY id`,
  claim: 'UPDATE metric_outbox SET claimed_until = @until WHERE sink = @sink AND id BETWEEN @first AND @last',
  deleteThrough: 'DELETE FROM metric_outbox WHERE sink = @sink AND id <= @id',
  loadPoints: 'SELECT points FROM metric_outbox WHERE sink = @sink AND id = @id',
  trim: 'UPDATE metric_outbox SET points = @points, point_count = @point_count WHERE sink = @sink AND id = @id',
  delete: 'DELETE FROM metric_outbox WHERE sink = @sink AND id = @id',
  retry: `UPDATE metric_outbox SET attempts = attempts + 1, next_attempt_at = @next_attempt_at,
      last_error = @last_error, claimed_until = 0
    WHERE sink = @sink AND id = @id`,
} as const;

export interface SqliteOutboxOptions {
  /**
   * due() claims the batches it returns until the store clock reaches now() + claimMs (default DEFAULT_CLAIM_MS,
   * 5 minutes): no other due() call, from this process or another one sharing the file, gets them (or any batch
   * behind them) meanwhile. ack() and retryLater() end the claim; a sender that dies mid-send leaves its batches
   * due again once the claim runs out. 0 turns claiming off (every caller gets the same batches).
   */
  readonly claimMs?: number;
  /** The store clock, in epoch ms (default Date.now): created_at, and when claims start and run out. */
  readonly now?: () => number;
}

interface SinkParams {
  readonly sink: string;
}

interface CountRow {
  readonly id: number;
  readonly point_count: number;
}

interface QueueRow {
  readonly id: number;
  readonly next_attempt_at: number;
  readonly claimed_until: number;
}

interface BatchRow {
  readonly id: number;
  readonly points: string;
  readonly attempts: number;
  readonly last_error: string | null;
}

interface InsertParams extends SinkParams {
  readonly points: string;
  readonly point_count: number;
  readonly created_at: number;
}

interface IdParams extends SinkParams {
  readonly id: number;
}

interface RangeParams extends SinkParams {
  readonly first: number;
  readonly last: number;
}

interface RetryParams extends IdParams {
  readonly next_attempt_at: number;
  readonly last_error: string;
}

/**
 * The MetricsOutbox of the local engine: undelivered batches in the metric_outbox table of the HealOps SQLite file,
 * kept across runs and shared by every process using that file. Each write runs in an IMMEDIATE transaction, so
 * concurrent processes never trim, count or claim from a stale view. Batches come out oldest first and in order:
 * due() stops at the first batch that waits for its retry time (unless told to ignore the backoff) or that another
 * caller has claimed, so nothing overtakes it.
 */
export class SqliteOutbox implements MetricsOutbox {
  readonly #db: Database;
  readonly #claimMs: number;
  readonly #now: () => number;
  readonly #insert: Statement<[InsertParams]>;
  readonly #pending: Statement<[SinkParams], { total: number }>;
  readonly #counts: Statement<[SinkParams], CountRow>;
  readonly #queue: Statement<[SinkParams & { limit: number }], QueueRow>;
  readonly #load: Statement<[RangeParams], BatchRow>;
  readonly #claim: Statement<[RangeParams & { until: number }]>;
  readonly #deleteThrough: Statement<[IdParams]>;
  readonly #loadPoints: Statement<[IdParams], { points: string }>;
  readonly #trim: Statement<[IdParams & { points: string; point_count: number }]>;
  readonly #delete: Statement<[IdParams]>;
  readonly #retry: Statement<[RetryParams]>;

  /** `db` must be migrated to schema version 4 or later (openSqliteStore does it). */
  constructor(db: Database, options: SqliteOutboxOptions = {}) {
    const claimMs = options.claimMs ?? DEFAULT_CLAIM_MS;
    if (!Number.isSafeInteger(claimMs) || claimMs < 0) {
      throw new SqliteStoreError(`metric outbox: claimMs must be a non-negative integer, got ${claimMs}`);
    }
    this.#db = db;
    this.#claimMs = claimMs;
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare(OUTBOX_SQL.insert);
    this.#pending = db.prepare(OUTBOX_SQL.pending);
    this.#counts = db.prepare(OUTBOX_SQL.counts);
    this.#queue = db.prepare(OUTBOX_SQL.queue);
    this.#load = db.prepare(OUTBOX_SQL.load);
    this.#claim = db.prepare(OUTBOX_SQL.claim);
    this.#deleteThrough = db.prepare(OUTBOX_SQL.deleteThrough);
    this.#loadPoints = db.prepare(OUTBOX_SQL.loadPoints);
    this.#trim = db.prepare(OUTBOX_SQL.trim);
    this.#delete = db.prepare(OUTBOX_SQL.delete);
    this.#retry = db.prepare(OUTBOX_SQL.retry);
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

  /**
   * Oldest first, at most `limit`; stops at the first batch claimed by anyone (claims run on the store clock, never
   * on `now`) or, unless options.ignoreBackoff, waiting for a retry time later than `now`. With claiming on, the
   * batches returned are claimed in the same IMMEDIATE transaction.
   */
  async due(sink: string, now: Date, limit: number, options: DueOptions = {}): Promise<OutboxBatch[]> {
    return this.#guard('read due batches', () => {
      checkSink(sink);
      checkPositive('limit', limit);
      const at = dateToEpochMs(now, 'metric outbox due(now)');
      const read = (): BatchRow[] => {
        const realNow = this.#clock();
        let last: number | undefined;
        let first: number | undefined;
        for (const row of this.#queue.all({ sink, limit })) {
          // A claim or retry time implausibly far ahead means the clock went back: treat it as due, never stall.
          if (row.claimed_until > realNow && row.claimed_until <= realNow + this.#claimMs) break;
          const waiting = row.next_attempt_at > at && row.next_attempt_at <= at + OUTBOX_MAX_RETRY_WAIT_MS;
          if (options.ignoreBackoff !== true && waiting) break;
          first ??= row.id;
          last = row.id;
        }
        if (first === undefined || last === undefined) return [];
        if (this.#claimMs > 0) {
          this.#claim.run({ sink, first, last, until: realNow + this.#claimMs });
        }
        return this.#load.all({ sink, first, last });
      };
      const transaction = this.#db.transaction(read);
      const rows = this.#claimMs > 0 ? transaction.immediate() : transaction.deferred();
      return rows.map((row) => ({
        id: row.id,
        points: jsonToPoints(row.points, `metric outbox batch ${row.id} of ${sink}`),
        attempts: row.attempts,
        lastError: row.last_error,
      }));
    });
  }

  /** Deletes the batch (ending its claim); a batch already gone (trimmed, acknowledged elsewhere) is fine. */
  async ack(sink: string, id: number): Promise<void> {
    this.#guard('acknowledge a batch', () => {
      checkSink(sink);
      this.#delete.run({ sink, id });
    });
  }

  /** Counts the attempt, keeps the error, holds the batch until `retryAt` and ends its claim. */
  async retryLater(sink: string, id: number, error: string, retryAt: Date): Promise<void> {
    this.#guard('reschedule a batch', () => {
      checkSink(sink);
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
    const createdAt = this.#clock();
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

  #clock(): number {
    const now = this.#now();
    if (!Number.isSafeInteger(now)) {
      throw new SqliteStoreError(`metric outbox: the store clock gave ${now}, not an epoch time in ms`);
    }
    return now;
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
