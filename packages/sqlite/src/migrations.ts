import type { Database } from 'better-sqlite3';
import { SqliteSchemaTooNewError } from './errors.js';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; 1, 2, 3... with no gaps. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Append new migrations at the end; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'check state, audit trail, metric points',
    sql: `
      CREATE TABLE check_state (
        package TEXT NOT NULL,
        check_name TEXT NOT NULL,
        target TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        last_status TEXT,
        last_run_at TEXT,
        consecutive_failures INTEGER NOT NULL,
        consecutive_unknowns INTEGER NOT NULL,
        history TEXT NOT NULL,
        flapping INTEGER NOT NULL CHECK (flapping IN (0, 1)),
        repair_times TEXT NOT NULL,
        failed_repair_streak INTEGER NOT NULL,
        problem TEXT,
        repair_lease_until TEXT,
        PRIMARY KEY (package, check_name, target)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE audit_event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        type TEXT NOT NULL,
        package TEXT NOT NULL,
        check_name TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT,
        message TEXT NOT NULL,
        detail TEXT
      ) STRICT;
      CREATE INDEX audit_event_time ON audit_event (time);
      CREATE INDEX audit_event_check_time ON audit_event (package, check_name, time);
      CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
      BEGIN
        SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be updated');
      END;
      CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
      BEGIN
        SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be deleted');
      END;

      CREATE TABLE metric_point (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        dimensions TEXT NOT NULL,
        package TEXT,
        check_name TEXT
      ) STRICT;
      CREATE UNIQUE INDEX metric_point_identity ON metric_point (time, name, dimensions);
      CREATE INDEX metric_point_name_time ON metric_point (name, time);
      CREATE INDEX metric_point_check_time ON metric_point (package, check_name, time);
    `,
  },
  {
    version: 2,
    description: 'repair attempts per hard failure; repair lease owner',
    sql: `
      ALTER TABLE check_state ADD COLUMN incident_repairs INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE check_state ADD COLUMN repair_lease_owner TEXT;
    `,
  },
  {
    version: 3,
    description: 'metric outbox: points not yet delivered to a remote metrics sink',
    // next_attempt_at is 0 for a new batch (due at once, whatever the caller's clock says).
    sql: `
      CREATE TABLE metric_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sink TEXT NOT NULL,
        points TEXT NOT NULL,
        point_count INTEGER NOT NULL CHECK (point_count > 0),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX metric_outbox_sink ON metric_outbox (sink, id);
    `,
  },
  {
    version: 4,
    description: 'metric outbox: claims apart from retry times; covering index for counts and the due scan',
    // A claim used to move next_attempt_at to the caller's now + claimMs: a probe passing the largest Date (8.64e15)
    // pushed it past any time a Date can hold, so no retry time that late is real: such batches are due again.
    // The index is rebuilt under the same name to cover every column pending, the trim scan and the due scan read:
    // from the table they sit behind the large points text, and reading them walks every overflow page.
    sql: `
      ALTER TABLE metric_outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
      UPDATE metric_outbox SET next_attempt_at = 0 WHERE next_attempt_at > 8640000000000000;
      DROP INDEX metric_outbox_sink;
      CREATE INDEX metric_outbox_sink ON metric_outbox (sink, id, point_count, next_attempt_at, claimed_until);
    `,
  },
  {
    version: 5,
    description: 'ticket outbox (one row per action and route) and ticket links (Jira issue key per problem)',
    // seq orders the actions of a problem; id is the delivery id receivers deduplicate on. Rows stay after
    // delivery (the record `healops tickets` shows) until pruned by age.
    sql: `
      CREATE TABLE ticket_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        route TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('trigger', 'update', 'resolve')),
        event TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        claimed_until INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        delivered_at INTEGER,
        last_error TEXT,
        ref TEXT
      ) STRICT;
      CREATE INDEX ticket_outbox_pending ON ticket_outbox (route, state, dedup_key, seq);
      CREATE INDEX ticket_outbox_attempts ON ticket_outbox (route, last_attempt_at);
      CREATE TABLE ticket_link (
        route TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        ref TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (route, dedup_key)
      ) STRICT;
    `,
  },
];

export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

export function readUserVersion(db: Database): number {
  const version = db.pragma('user_version', { simple: true });
  return typeof version === 'number' ? version : 0;
}

/**
 * Brings the database up to SCHEMA_VERSION. Each migration runs in its own IMMEDIATE transaction that re-reads
 * user_version first, so two processes opening a fresh file at once apply every migration exactly once.
 * Returns the versions applied by this call.
 */
export function migrate(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const supported = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  const found = readUserVersion(db);
  if (found > supported) {
    throw new SqliteSchemaTooNewError(path, found, supported);
  }
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      const current = readUserVersion(db);
      if (current >= migration.version) {
        return false;
      }
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (apply.immediate()) {
      applied.push(migration.version);
    }
  }
  return applied;
}
