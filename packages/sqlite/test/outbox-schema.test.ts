import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, MIGRATIONS, migrate } from '../src/index.js';
import { OUTBOX_SQL } from '../src/sqlite-outbox.js';
import { point, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

const NOW = new Date('2026-01-01T00:00:00.000Z');

function plan(dir: string, sql: string, params: Record<string, string | number>): string {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare<[Record<string, string | number>], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(params)
      .map((row) => row.detail)
      .join('\n');
  } finally {
    db.close();
  }
}

describe('metric_outbox schema', () => {
  // Every row's points text comes before its other columns: reading them from the table walks every overflow page.
  it.each<{ label: string; sql: string; params: Record<string, string | number> }>([
    { label: 'pending() and the enqueue bound', sql: OUTBOX_SQL.pending, params: { sink: 'x' } },
    { label: 'the scan for rows to trim', sql: OUTBOX_SQL.counts, params: { sink: 'x' } },
    { label: 'the scan for due batches', sql: OUTBOX_SQL.queue, params: { sink: 'x', limit: 500 } },
  ])('$label read only the covering index', ({ sql, params }) => {
    const dir = home();
    open(dir);
    expect(plan(dir, sql, params)).toMatch(/USING COVERING INDEX metric_outbox_sink\b/);
  });

  it('migration 4 keeps queued batches and frees one wedged by a far-future claim', async () => {
    const dir = home();
    mkdirSync(dir, { recursive: true });
    const raw = new Database(join(dir, DATABASE_FILE));
    try {
      migrate(
        raw,
        'v3',
        MIGRATIONS.filter((m) => m.version <= 3),
      );
      const insert = raw.prepare<[string, number, number]>(
        `INSERT INTO metric_outbox (sink, points, point_count, attempts, next_attempt_at, created_at)
         VALUES ('x', ?, 1, ?, ?, 0)`,
      );
      // Claimed by a probe that passed the largest Date as `now`: next_attempt_at = 8.64e15 + claimMs.
      insert.run(JSON.stringify([point({ value: 1 })]), 0, 8.64e15 + 30_000);
      insert.run(JSON.stringify([point({ value: 2 })]), 3, NOW.getTime() + 1_000);
    } finally {
      raw.close();
    }
    const outbox = open(dir).outbox({ claimMs: 0 });
    expect(await outbox.pending('x')).toBe(2);
    const due = await outbox.due('x', NOW, 10);
    expect(due.map((b) => [b.points[0]?.value, b.attempts])).toEqual([[1, 0]]);
    expect((await outbox.due('x', new Date(NOW.getTime() + 1_000), 10)).map((b) => b.attempts)).toEqual([
      0, 3,
    ]);
  });
});
