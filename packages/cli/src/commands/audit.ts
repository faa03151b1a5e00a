import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { openExistingStore } from '../open-store.js';
import { out } from '../output.js';
import { renderTable } from '../render/table.js';
import { parseSince } from '../since.js';

export interface AuditOptions {
  readonly home?: string;
  readonly package?: string;
  readonly check?: string;
  readonly since: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export async function auditCommand(options: AuditOptions): Promise<ExitCode> {
  const since = parseSince(options.since);
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json([]);
    return EXIT.ok;
  }
  try {
    const events = await store.queryAudit({
      since,
      ...(options.package ? { package: options.package } : {}),
      ...(options.check ? { check: options.check } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    if (options.json) {
      out.json(events);
    } else if (events.length === 0) {
      out.line(`no audit events since ${since.toISOString()}`);
    } else {
      out.line(
        renderTable(
          ['TIME', 'CHECK', 'TARGET', 'EVENT', 'MESSAGE'],
          events.map((e) => [e.time, `${e.key.package}/${e.key.check}`, e.key.target, e.type, e.message]),
          out.width(),
        ),
      );
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
