import { HealOpsError } from '@healops/core';

/** Anything the SQLite store could not do: open, migrate, read back, write. */
export class SqliteStoreError extends HealOpsError {}

/** The database file was written by a newer HealOps (schema version this code does not know). */
export class SqliteSchemaTooNewError extends SqliteStoreError {
  readonly found: number;
  readonly supported: number;
  constructor(path: string, found: number, supported: number) {
    super(
      `${path}: database schema version ${found} is newer than this HealOps supports (${supported}); ` +
        'upgrade HealOps or point it at another home directory',
    );
    this.found = found;
    this.supported = supported;
  }
}
