import { EXIT, type ExitCode } from '../exit-codes.js';
import { resolveHome } from '../home.js';
import { openExistingStore } from '../open-store.js';
import { out } from '../output.js';
import { renderTable } from '../render/table.js';
import { parseSince } from '../since.js';

export interface MetricsOptions {
  readonly home?: string;
  readonly package?: string;
  readonly check?: string;
  readonly name?: string;
  readonly since: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export async function metricsCommand(options: MetricsOptions): Promise<ExitCode> {
  const since = parseSince(options.since);
  const store = openExistingStore(resolveHome(options.home), options.home !== undefined);
  if (!store) {
    if (options.json) out.json([]);
    return EXIT.ok;
  }
  try {
    const points = await store.queryMetrics({
      since,
      ...(options.package ? { package: options.package } : {}),
      ...(options.check ? { check: options.check } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    if (options.json) {
      out.json(points);
    } else if (points.length === 0) {
      out.line(`no metric points since ${since.toISOString()}`);
    } else {
      out.line(
        renderTable(
          ['TIME', 'CHECK', 'TARGET', 'NAME', 'VALUE'],
          points.map((p) => [
            p.time,
            `${p.dimensions.package ?? ''}/${p.dimensions.check ?? ''}`,
            p.dimensions.target ?? '',
            p.name,
            `${p.value}${p.unit}`,
          ]),
          out.width(),
        ),
      );
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
