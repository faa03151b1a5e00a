import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { wrapError } from './columns.js';
import { SqliteStoreError } from './errors.js';
import { migrate } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

export const DATABASE_FILE = 'healops.db';

/**
 * Opens (creating when needed) `<homeDir>/healops.db`: the directory is created with mode 0700 and a new database
 * file with mode 0600; WAL journal, busy_timeout 5000 ms, foreign keys on, synchronous NORMAL; migrations applied.
 * Throws SqliteSchemaTooNewError for a file written by a newer schema, SqliteStoreError for anything else.
 */
export function openSqliteStore(homeDir: string): SqliteStore {
  const path = join(homeDir, DATABASE_FILE);
  try {
    mkdirSync(homeDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SqliteStoreError(`cannot create HealOps home directory ${homeDir}`, { cause: error });
  }
  const created = !existsSync(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new SqliteStoreError(`cannot open ${path}`, { cause: error });
  }
  try {
    if (created) {
      chmodSync(path, 0o600);
    }
    configure(db, path);
    migrate(db, path);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw wrapError(`open ${path}`, error);
  }
}

function configure(db: Database.Database, path: string): void {
  // busy_timeout first, so the journal switch and migrations wait for other connections instead of failing.
  db.pragma('busy_timeout = 5000');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new SqliteStoreError(`${path}: could not switch to WAL journal mode (got ${String(mode)})`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}
