import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MetricPoint, OutboxBatch } from '@healops/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, OUTBOX_ROW_POINTS, SqliteStoreError } from '../src/index.js';
import { point, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();
const run = promisify(execFile);

const NOW = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

/** n points whose values number them from `first`. */
function points(n: number, first = 0): MetricPoint[] {
  return Array.from({ length: n }, (_, i) =>
    point({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, first + i)).toISOString(), value: first + i }),
  );
}

const values = (batches: readonly OutboxBatch[]) => batches.flatMap((b) => b.points.map((p) => p.value));
const sizes = (batches: readonly OutboxBatch[]) => batches.map((b) => b.points.length);

interface RawRow {
  readonly id: number;
  readonly sink: string;
  readonly point_count: number;
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly claimed_until: number;
  readonly last_error: string | null;
  readonly created_at: number;
}

function rawRows(dir: string): RawRow[] {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare<[], RawRow>(
        `SELECT id, sink, point_count, attempts, next_attempt_at, claimed_until, last_error, created_at
         FROM metric_outbox ORDER BY id`,
      )
      .all();
  } finally {
    db.close();
  }
}

describe('SqliteOutbox', () => {
  it('returns queued points oldest first, exactly as they were queued', async () => {
    const outbox = open(home()).outbox();
    const odd: MetricPoint[] = [
      point({ value: Number.NaN, name: 'nan' }),
      point({ value: Number.POSITIVE_INFINITY, name: 'inf' }),
      point({ value: Number.NEGATIVE_INFINITY, name: '-inf' }),
      point({ value: 1.5e-300, unit: 'ms', dimensions: { 'q"uote': 'line\nbreak', empty: '' } }),
    ];
    expect(await outbox.enqueue('influx', points(3), 100)).toEqual({ dropped: 0 });
    expect(await outbox.enqueue('influx', odd, 100)).toEqual({ dropped: 0 });
    const batches = await outbox.due('influx', NOW, 10);
    expect(batches).toEqual([
      { id: expect.any(Number), points: points(3), attempts: 0, lastError: null },
      { id: expect.any(Number), points: odd, attempts: 0, lastError: null },
    ]);
    expect(batches[0]?.id).toBeLessThan(batches[1]?.id ?? 0);
    expect(await outbox.pending('influx')).toBe(7);
  });

  it('stores at most 1,000 points per row', async () => {
    const dir = home();
    const outbox = open(dir).outbox();
    await outbox.enqueue('tsdb', points(2_500), 100_000);
    const batches = await outbox.due('tsdb', NOW, 10);
    expect(OUTBOX_ROW_POINTS).toBe(1_000);
    expect(sizes(batches)).toEqual([1_000, 1_000, 500]);
    expect(values(batches)).toEqual(points(2_500).map((p) => p.value));
    expect(rawRows(dir).map((r) => r.point_count)).toEqual([1_000, 1_000, 500]);
  });

  it('keeps sinks apart and honours the limit', async () => {
    const outbox = open(home()).outbox();
    await outbox.enqueue('a', points(1), 10);
    await outbox.enqueue('b', points(2, 10), 10);
    await outbox.enqueue('a', points(1, 1), 10);
    await outbox.enqueue('a', points(1, 2), 10);
    expect(values(await outbox.due('a', NOW, 2))).toEqual([0, 1]);
    expect(values(await outbox.due('b', NOW, 10))).toEqual([10, 11]);
    expect(await outbox.pending('a')).toBe(3);
    expect(await outbox.pending('b')).toBe(2);
    expect(await outbox.pending('c')).toBe(0);
    expect(await outbox.due('c', NOW, 10)).toEqual([]);
    expect(await outbox.enqueue('a', [], 10)).toEqual({ dropped: 0 });
  });

  it('deletes acknowledged batches; acknowledging one that is gone is harmless', async () => {
    const outbox = open(home()).outbox();
    await outbox.enqueue('a', points(2), 10);
    await outbox.enqueue('a', points(3, 2), 10);
    const [first] = await outbox.due('a', NOW, 1);
    await outbox.ack('a', first?.id ?? -1);
    await outbox.ack('a', first?.id ?? -1);
    await outbox.ack('b', 12345);
    expect(values(await outbox.due('a', NOW, 10))).toEqual([2, 3, 4]);
    expect(await outbox.pending('a')).toBe(3);
  });

  it('schedules a retry: counts the attempt, keeps the error, and holds the batch (and those behind it) until then', async () => {
    const outbox = open(home()).outbox();
    await outbox.enqueue('a', points(2), 10);
    const [first] = await outbox.due('a', NOW, 10);
    await outbox.retryLater('a', first?.id ?? -1, 'connect ECONNREFUSED', later(5_000));
    await outbox.enqueue('a', points(1, 2), 10);

    expect(await outbox.due('a', later(4_999), 10)).toEqual([]);
    const due = await outbox.due('a', later(5_000), 10);
    expect(due.map((b) => [b.attempts, b.lastError])).toEqual([
      [1, 'connect ECONNREFUSED'],
      [0, null],
    ]);
    expect(values(due)).toEqual([0, 1, 2]);

    await outbox.retryLater('a', first?.id ?? -1, 'HTTP 503', later(20_000));
    expect((await outbox.due('a', later(20_000), 1))[0]).toMatchObject({
      attempts: 2,
      lastError: 'HTTP 503',
    });
    expect(await outbox.pending('a')).toBe(3);
  });

  it('returns due batches only up to the first one that is not due, so nothing overtakes it', async () => {
    const outbox = open(home()).outbox({ claimMs: 0 });
    for (let i = 0; i < 3; i++) await outbox.enqueue('a', points(1, i), 10);
    const [, second] = await outbox.due('a', NOW, 10);
    await outbox.retryLater('a', second?.id ?? -1, 'timeout', later(1_000));
    expect(values(await outbox.due('a', NOW, 10))).toEqual([0]);
    expect(values(await outbox.due('a', later(1_000), 10))).toEqual([0, 1, 2]);
  });

  it('cuts a long error message', async () => {
    const dir = home();
    const outbox = open(dir).outbox();
    await outbox.enqueue('a', points(1), 10);
    const [batch] = await outbox.due('a', NOW, 1);
    await outbox.retryLater('a', batch?.id ?? -1, 'x'.repeat(10_000), NOW);
    expect(rawRows(dir)[0]?.last_error?.length).toBe(2_000);
  });

  it('records when a batch was queued; a new batch is due at once', async () => {
    const dir = home();
    const outbox = open(dir).outbox({ now: () => 1_234 });
    await outbox.enqueue('a', points(1), 10);
    expect(rawRows(dir)).toEqual([
      {
        id: 1,
        sink: 'a',
        point_count: 1,
        attempts: 0,
        next_attempt_at: 0,
        claimed_until: 0,
        last_error: null,
        created_at: 1_234,
      },
    ]);
    expect(await outbox.due('a', new Date(0), 1)).toHaveLength(1);
  });
});

describe('SqliteOutbox bounds', () => {
  it('drops the oldest points beyond maxPoints and says how many, trimming the front of a row', async () => {
    const outbox = open(home()).outbox({ claimMs: 0 });
    await outbox.enqueue('a', points(5), 8);
    const [first] = await outbox.due('a', NOW, 1);
    await outbox.retryLater('a', first?.id ?? -1, 'down', later(1_000));
    expect(await outbox.enqueue('a', points(5, 5), 8)).toEqual({ dropped: 2 });
    expect(await outbox.pending('a')).toBe(8);
    const due = await outbox.due('a', later(1_000), 10);
    expect(values(due)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // The trimmed batch keeps its place, attempts and retry time.
    expect(due[0]).toMatchObject({ id: first?.id, attempts: 1, lastError: 'down' });
    expect(await outbox.due('a', NOW, 10)).toEqual([]);
  });

  it('drops whole rows first, then part of the next', async () => {
    const outbox = open(home()).outbox();
    for (let i = 0; i < 4; i++) await outbox.enqueue('a', points(1_000, i * 1_000), 10_000);
    expect(await outbox.enqueue('a', points(10, 4_000), 2_500)).toEqual({ dropped: 1_510 });
    const due = await outbox.due('a', NOW, 10);
    expect(sizes(due)).toEqual([490, 1_000, 1_000, 10]);
    expect(values(due)[0]).toBe(1_510);
    expect(values(due).at(-1)).toBe(4_009);
  });

  it('drops every queued point and the oldest new ones when the new points alone exceed maxPoints', async () => {
    const outbox = open(home()).outbox();
    await outbox.enqueue('a', points(3), 100);
    await outbox.enqueue('b', points(3), 100);
    expect(await outbox.enqueue('a', points(10, 3), 4)).toEqual({ dropped: 9 });
    expect(values(await outbox.due('a', NOW, 10))).toEqual([9, 10, 11, 12]);
    expect(await outbox.pending('b')).toBe(3);
  });

  it('drops nothing at exactly maxPoints', async () => {
    const outbox = open(home()).outbox();
    expect(await outbox.enqueue('a', points(4), 4)).toEqual({ dropped: 0 });
    expect(await outbox.enqueue('a', points(1, 4), 5)).toEqual({ dropped: 0 });
    expect(await outbox.pending('a')).toBe(5);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s as maxPoints or limit', async (bad) => {
    const outbox = open(home()).outbox();
    await expect(outbox.enqueue('a', points(1), bad)).rejects.toThrow(SqliteStoreError);
    await expect(outbox.due('a', NOW, bad)).rejects.toThrow(SqliteStoreError);
    expect(await outbox.pending('a')).toBe(0);
  });

  it('refuses an empty sink name and an invalid retry time', async () => {
    const outbox = open(home()).outbox();
    await expect(outbox.enqueue('', points(1), 10)).rejects.toThrow(SqliteStoreError);
    await outbox.enqueue('a', points(1), 10);
    await expect(outbox.retryLater('a', 1, 'x', new Date(Number.NaN))).rejects.toThrow(SqliteStoreError);
  });
});

describe('SqliteOutbox on a shared file', () => {
  it('survives closing and reopening the store, retry schedule included', async () => {
    const dir = home();
    const first = open(dir);
    const outbox = first.outbox();
    await outbox.enqueue('a', points(3), 10);
    const [batch] = await outbox.due('a', NOW, 1);
    await outbox.retryLater('a', batch?.id ?? -1, 'HTTP 429', later(60_000));
    first.close();

    const reopened = open(dir).outbox();
    expect(await reopened.pending('a')).toBe(3);
    expect(await reopened.due('a', later(59_999), 10)).toEqual([]);
    expect(await reopened.due('a', later(60_000), 10)).toEqual([
      { id: batch?.id, points: points(3), attempts: 1, lastError: 'HTTP 429' },
    ]);
  });

  it('two store instances on one file see and bound the same queue', async () => {
    const dir = home();
    const a = open(dir).outbox();
    const b = open(dir).outbox();
    await Promise.all([a.enqueue('x', points(6), 10), b.enqueue('x', points(6, 6), 10)]);
    expect(await a.pending('x')).toBe(10);
    expect(await b.pending('x')).toBe(10);
    const batches = await b.due('x', NOW, 10);
    expect(values(batches)).toHaveLength(10);
    await a.ack('x', batches[0]?.id ?? -1);
    expect(await b.pending('x')).toBe(10 - (batches[0]?.points.length ?? 0));
  });

  it('never exceeds the bound with several processes queueing at once', async () => {
    const dir = home();
    open(dir);
    const fixture = join(import.meta.dirname, 'support', 'enqueue-many.ts');
    const outputs = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'tsx', fixture, dir, '300', '7', '100'], {
          cwd: join(import.meta.dirname, '..'),
        }),
      ),
    );
    const dropped = outputs.reduce((n, { stdout }) => n + Number(stdout), 0);
    expect(await open(dir).outbox().pending('x')).toBe(100);
    expect(dropped).toBe(3 * 300 * 7 - 100);
  });
});
