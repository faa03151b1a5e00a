export { SqliteSchemaTooNewError, SqliteStoreError } from './errors.js';
export { canonicalDimensions } from './metric-row.js';
export { MIGRATIONS, type Migration, migrate, readUserVersion, SCHEMA_VERSION } from './migrations.js';
export { DATABASE_FILE, openSqliteStore } from './open-store.js';
export { OUTBOX_ROW_POINTS, SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';
export { SqliteStore } from './sqlite-store.js';
export { SqliteTicketOutbox } from './sqlite-ticket-outbox.js';
