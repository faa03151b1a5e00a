import type { SqliteStore } from '@healops/sqlite';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { openExistingStore } from '../open-store.js';
import { out } from '../output.js';
import { type Cell, renderTable } from '../render/table.js';
import { parseSince } from '../since.js';

/** Flags shared by the commands that list stored records (audit, metrics). */
export interface ListOptions {
  readonly home?: string;
  readonly package?: string;
  readonly check?: string;
  readonly since: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export interface RecordFilter {
  readonly since: Date;
  readonly package?: string;
  readonly check?: string;
  readonly limit?: number;
}

export interface ListSpec<T> {
  /** Plural noun for the empty message, e.g. "audit events". */
  readonly noun: string;
  readonly headers: readonly string[];
  readonly row: (record: T) => Cell[];
  readonly query: (store: SqliteStore, filter: RecordFilter) => Promise<T[]>;
}

/** Reads records from the local store (creating nothing when it does not exist) and prints them as JSON or a table. */
export async function listRecords<T>(options: ListOptions, spec: ListSpec<T>): Promise<ExitCode> {
  const since = parseSince(options.since);
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json([]);
    return EXIT.ok;
  }
  try {
    const records = await spec.query(store, {
      since,
      ...(options.package ? { package: options.package } : {}),
      ...(options.check ? { check: options.check } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    if (options.json) out.json(records);
    else if (records.length === 0) out.line(`no ${spec.noun} since ${since.toISOString()}`);
    else out.line(renderTable(spec.headers, records.map(spec.row), out.width()));
    return EXIT.ok;
  } finally {
    store.close();
  }
}
