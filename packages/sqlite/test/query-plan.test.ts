import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/index.js';
import { auditQuerySql, metricsQuerySql } from '../src/query-sql.js';
import { useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

describe('filtered queries use the indexes', () => {
  it.each([
    {
      label: 'metrics by package and check',
      built: metricsQuerySql({ package: 'p', check: 'c' }),
      index: 'metric_point_check_time',
    },
    {
      label: 'metrics by name since',
      built: metricsQuerySql({ name: 'n', since: new Date(0) }),
      index: 'metric_point_name_time',
    },
    {
      label: 'audit by package, check, limit',
      built: auditQuerySql({ package: 'p', check: 'c', limit: 5 }),
      index: 'audit_event_check_time',
    },
    { label: 'audit since', built: auditQuerySql({ since: new Date(0) }), index: 'audit_event_time' },
  ])('$label uses $index', ({ built, index }) => {
    const dir = home();
    open(dir);
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      const plan = db
        .prepare<[Record<string, string | number>], { detail: string }>(`EXPLAIN QUERY PLAN ${built.sql}`)
        .all(built.params)
        .map((row) => row.detail)
        .join('\n');
      expect(plan).toContain(index);
    } finally {
      db.close();
    }
  });
});
