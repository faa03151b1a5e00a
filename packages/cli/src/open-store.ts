import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE, openSqliteStore, type SqliteStore } from '@healops/sqlite';
import { out } from './output.js';

/**
 * Opens the store of `home` for reading commands (status, metrics, audit), or returns undefined, after saying so
 * on stderr, when nothing has run with this home yet: a read never creates the directory or the database.
 * `flagGiven` tells whether the home came from --home, to word the note.
 */
export function openExistingStore(home: string, flagGiven: boolean): SqliteStore | undefined {
  if (existsSync(join(home, DATABASE_FILE))) return openSqliteStore(home);
  out.error(
    flagGiven
      ? `healops: no HealOps state in ${home} (nothing has run with this --home yet)`
      : `healops: no HealOps state in ${home} (nothing has run here yet; --home or HEALOPS_HOME selects another state directory)`,
  );
  return undefined;
}
