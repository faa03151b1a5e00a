import { join } from 'node:path';
import type { MetricPoint, OutboxBatch } from '@healops/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, SqliteStoreError } from '../src/index.js';
import { point, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

/** The caller's clock (the `now` argument of due and the retry times). */
const NOW = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
/** The store's own clock, deliberately far from NOW: claims must follow it, not the caller's `now`. */
const REAL = Date.parse('2030-06-01T00:00:00.000Z');
const FIVE_MINUTES = 300_000;
/** The largest time a Date can hold: what a probe asking for "everything, whatever the backoff" used to pass. */
const FAR_FUTURE = new Date(8.64e15);

function points(n: number, first = 0): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => point({ value: first + i }));
}

const values = (batches: readonly OutboxBatch[]) => batches.flatMap((b) => b.points.map((p) => p.value));
const ids = (batches: readonly OutboxBatch[]) => batches.map((b) => b.id);

/** A settable store clock shared by every outbox of a test. */
function clock(start = REAL): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms) };
}

function claims(dir: string): Array<{ id: number; next_attempt_at: number; claimed_until: number }> {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare<[], { id: number; next_attempt_at: number; claimed_until: number }>(
        'SELECT id, next_attempt_at, claimed_until FROM metric_outbox ORDER BY id',
      )
      .all();
  } finally {
    db.close();
  }
}

/** Two outboxes on one file, each with its own connection (as two processes would have), sharing a store clock. */
function twoOutboxes(options: { claimMs?: number } = {}) {
  const dir = home();
  const time = clock();
  const a = open(dir).outbox({ ...options, now: time.now });
  const b = open(dir).outbox({ ...options, now: time.now });
  return { dir, time, a, b };
}

describe('SqliteOutbox claims', () => {
  it('by default claims what due() returns for five minutes of the store clock, on every connection', async () => {
    const { dir, a, b } = twoOutboxes();
    await a.enqueue('x', points(2), 10);
    const first = await a.due('x', NOW, 10);
    expect(values(first)).toEqual([0, 1]);
    expect(claims(dir).map((row) => row.claimed_until)).toEqual([REAL + FIVE_MINUTES]);
    expect(await b.due('x', NOW, 10)).toEqual([]);
    // Two overlapping flushes of one process do not get the same rows either.
    expect(await a.due('x', NOW, 10)).toEqual([]);
    expect(await b.due('x', NOW, 10, { ignoreBackoff: true })).toEqual([]);
  });

  it('does not stall when the clock went back: a retry or claim implausibly far ahead counts as due', async () => {
    const { time, a, b } = twoOutboxes();
    await a.enqueue('x', points(2), 10);
    const [batch] = await a.due('x', NOW, 10);
    // Failed while the clock read 6 hours later; then the clock was corrected back to NOW.
    await a.retryLater('x', batch?.id ?? -1, 'down', later(6 * 3_600_000 + 5_000));
    expect(values(await b.due('x', NOW, 10))).toEqual([0, 1]);
    // The store clock steps back 6 hours while b holds a claim: the claim now lies 6 h ahead, and is ignored.
    time.set(REAL - 6 * 3_600_000);
    expect(values(await a.due('x', NOW, 10))).toEqual([0, 1]);
  });

  it('a claim on the oldest batches holds back the newer ones too, so nothing is sent out of order', async () => {
    const { a, b } = twoOutboxes();
    for (let i = 0; i < 3; i++) await a.enqueue('x', points(1, i), 10);
    expect(values(await a.due('x', NOW, 1))).toEqual([0]);
    expect(await b.due('x', NOW, 10)).toEqual([]);
  });

  it('ack ends the claim: the next batches go to whoever asks next', async () => {
    const { a, b } = twoOutboxes();
    for (let i = 0; i < 3; i++) await a.enqueue('x', points(1, i), 10);
    const claimed = await a.due('x', NOW, 2);
    expect(values(claimed)).toEqual([0, 1]);
    await a.ack('x', claimed[0]?.id ?? -1);
    expect(await b.due('x', NOW, 10)).toEqual([]);
    await a.ack('x', claimed[1]?.id ?? -1);
    expect(values(await b.due('x', NOW, 10))).toEqual([2]);
    expect(await a.pending('x')).toBe(1);
  });

  it('retryLater ends the claim and starts the backoff', async () => {
    const { dir, a, b } = twoOutboxes();
    await a.enqueue('x', points(1), 10);
    const [batch] = await a.due('x', NOW, 10);
    await a.retryLater('x', batch?.id ?? -1, 'HTTP 503', later(1_000));
    expect(claims(dir)).toEqual([
      { id: batch?.id, next_attempt_at: later(1_000).getTime(), claimed_until: 0 },
    ]);
    expect(await b.due('x', later(999), 10)).toEqual([]);
    expect(await b.due('x', later(1_000), 10)).toEqual([
      { id: batch?.id, points: points(1), attempts: 1, lastError: 'HTTP 503' },
    ]);
  });

  it('a claim left by a sender that died runs out on the store clock, whatever `now` the callers pass', async () => {
    const { time, a, b } = twoOutboxes({ claimMs: 60_000 });
    await a.enqueue('x', points(1), 10);
    expect(values(await a.due('x', NOW, 10))).toEqual([0]);
    // The caller's `now` has no say over claims.
    expect(await b.due('x', FAR_FUTURE, 10)).toEqual([]);
    time.set(REAL + 59_999);
    expect(await b.due('x', NOW, 10)).toEqual([]);
    time.set(REAL + 60_000);
    expect(values(await b.due('x', NOW, 10))).toEqual([0]);
  });

  it('ignoreBackoff returns batches waiting for their retry time, but never claimed ones', async () => {
    const { time, a, b } = twoOutboxes({ claimMs: 60_000 });
    await a.enqueue('x', points(1), 10);
    await a.enqueue('x', points(1, 1), 10);
    const claimed = await a.due('x', NOW, 10);
    for (const batch of claimed) await a.retryLater('x', batch.id, 'down', later(3_600_000));
    expect(await b.due('x', NOW, 10)).toEqual([]);

    const probed = await b.due('x', NOW, 1, { ignoreBackoff: true });
    expect(probed).toEqual([{ id: claimed[0]?.id, points: points(1), attempts: 1, lastError: 'down' }]);
    // b holds the oldest batch now: nobody else gets it, or anything behind it, backoff or not.
    expect(await a.due('x', NOW, 10, { ignoreBackoff: true })).toEqual([]);
    expect(await a.due('x', later(3_600_000), 10)).toEqual([]);
    time.set(REAL + 60_000);
    expect(ids(await a.due('x', NOW, 10, { ignoreBackoff: true }))).toEqual(ids(claimed));
  });

  it('ignoreBackoff still stops at a claimed batch behind the backed-off ones', async () => {
    const { a, b } = twoOutboxes();
    await a.enqueue('x', points(1), 10);
    const [first] = await a.due('x', NOW, 1);
    await a.retryLater('x', first?.id ?? -1, 'down', later(60_000));
    await a.enqueue('x', points(1, 1), 10);
    await a.enqueue('x', points(1, 2), 10);
    // Claim the first two (the backed-off one and the next), then hand back only the backed-off one.
    const two = await b.due('x', NOW, 2, { ignoreBackoff: true });
    expect(values(two)).toEqual([0, 1]);
    await b.retryLater('x', two[0]?.id ?? -1, 'down', later(60_000));
    expect(values(await a.due('x', NOW, 10, { ignoreBackoff: true }))).toEqual([0]);
  });

  it('a far-future `now` claims nothing beyond the store clock plus claimMs (it used to wedge the batch)', async () => {
    const { dir, time, a, b } = twoOutboxes({ claimMs: 30_000 });
    await a.enqueue('x', points(1), 10);
    expect(values(await a.due('x', FAR_FUTURE, 10))).toEqual([0]);
    expect(claims(dir)).toEqual([{ id: 1, next_attempt_at: 0, claimed_until: REAL + 30_000 }]);
    // a never acks: b gets the batch as soon as the claim runs out, with an ordinary `now`.
    time.set(REAL + 30_000);
    expect(values(await b.due('x', NOW, 10))).toEqual([0]);
  });

  it('with claimMs 0 claims nothing: every caller gets the same batches', async () => {
    const { dir, a, b } = twoOutboxes({ claimMs: 0 });
    await a.enqueue('x', points(2), 10);
    expect(values(await a.due('x', NOW, 10))).toEqual([0, 1]);
    expect(values(await b.due('x', NOW, 10))).toEqual([0, 1]);
    expect(claims(dir).map((row) => row.claimed_until)).toEqual([0]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s as claimMs', (bad) => {
    const store = open(home());
    expect(() => store.outbox({ claimMs: bad })).toThrow(SqliteStoreError);
  });
});
