import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_FILE,
  MIGRATIONS,
  openSqliteStore,
  readUserVersion,
  SCHEMA_VERSION,
  SqliteSchemaTooNewError,
  SqliteStoreError,
} from '../src/index.js';
import { auditEvent, freshState, KEY, point, useTempHomes } from './temp-home.js';

const { home, open } = useTempHomes();

function withRaw<T>(dir: string, work: (db: Database.Database) => T): T {
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe('openSqliteStore', () => {
  it('numbers migrations 1, 2, 3... without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('creates the home directory (0700) and database (0600) and records the schema version', () => {
    const dir = join(home(), 'nested');
    open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    expect(withRaw(dir, readUserVersion)).toBe(SCHEMA_VERSION);
  });

  it('creates the tables, indexes and append-only triggers', () => {
    const dir = home();
    open(dir);
    const names = withRaw(dir, (db) =>
      db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all()
        .map((row) => row.name),
    );
    expect(names).toEqual([
      'audit_event',
      'audit_event_check_time',
      'audit_event_no_delete',
      'audit_event_no_update',
      'audit_event_time',
      'check_state',
      'metric_outbox',
      'metric_outbox_sink',
      'metric_point',
      'metric_point_check_time',
      'metric_point_identity',
      'metric_point_name_time',
      'ticket_link',
      'ticket_outbox',
      'ticket_outbox_attempts',
      'ticket_outbox_pending',
    ]);
  });

  it('switches the file to WAL journal mode', () => {
    const dir = home();
    open(dir);
    expect(withRaw(dir, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('keeps state, audit and metrics when the database is closed and reopened', async () => {
    const dir = home();
    const first = openSqliteStore(dir);
    const saved = await first.save(freshState(), 0);
    await first.append([auditEvent()]);
    await first.write([point()]);
    first.close();
    first.close();

    const second = open(dir);
    expect(await second.load(KEY)).toEqual(saved);
    expect(await second.queryAudit({})).toEqual([auditEvent()]);
    expect(await second.queryMetrics({})).toEqual([point()]);
    expect(withRaw(dir, readUserVersion)).toBe(SCHEMA_VERSION);
  });

  it('rejects a database written by a newer schema version and leaves it untouched', () => {
    const dir = home();
    open(dir).close();
    withRaw(dir, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`));

    let thrown: unknown;
    try {
      openSqliteStore(dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SqliteSchemaTooNewError);
    expect(thrown).toMatchObject({ found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION });
    expect(String(thrown)).toMatch(/newer than this HealOps supports/);
    expect(withRaw(dir, readUserVersion)).toBe(SCHEMA_VERSION + 1);
  });

  it('reports a file that is not a SQLite database as a SqliteStoreError', () => {
    const dir = home();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, DATABASE_FILE), 'this is not a database, just text long enough to have a header');
    expect(() => openSqliteStore(dir)).toThrow(SqliteStoreError);
  });

  it('reports a home directory that cannot be created as a SqliteStoreError', () => {
    const dir = home();
    mkdirSync(join(dir, '..'), { recursive: true });
    writeFileSync(dir, 'a file where the directory should be');
    expect(() => openSqliteStore(join(dir, 'sub'))).toThrow(SqliteStoreError);
  });
});
