import type { MetricPoint } from '@healops/core';
import { normalize, type Series } from '../../support/tsdb-series.js';
import { startVictoriaMetrics } from '../../support/tsdb-servers.js';

export interface VictoriaAt {
  /** http://127.0.0.1:<httpPort>: line protocol at /write, queries at /api/v1/*. */
  readonly url: string;
  /** Every series it holds, from /api/v1/export (after a force_flush). */
  exportAll(): Promise<Series[]>;
  stop(): Promise<void>;
}

/**
 * VictoriaMetrics on the GIVEN loopback ports (the shared launcher of test/support/tsdb-servers.ts): for a test that
 * points a config at a port first and starts the store there later.
 */
export async function startVictoriaMetricsAt(httpPort: number, opentsdbPort: number): Promise<VictoriaAt> {
  const server = await startVictoriaMetrics({ ports: { http: httpPort, opentsdb: opentsdbPort } });
  return { url: server.url, exportAll: () => exportAll(server.url), stop: server.stop };
}

/** Every series of a VictoriaMetrics at `url` (JSON lines of /api/v1/export), after making all writes visible. */
export async function exportAll(url: string): Promise<Series[]> {
  const flushed = await fetch(`${url}/internal/force_flush`);
  if (!flushed.ok) throw new Error(`force_flush: HTTP ${flushed.status} ${await flushed.text()}`);
  const query = new URLSearchParams({ 'match[]': '{__name__=~".+"}' });
  const response = await fetch(`${url}/api/v1/export?${query}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`export: HTTP ${response.status} ${text}`);
  return normalize(
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const row = JSON.parse(line) as {
          metric: Record<string, string>;
          values: number[];
          timestamps: number[];
        };
        return {
          labels: row.metric,
          samples: row.timestamps.map((t, i): [number, number] => [t, row.values[i] ?? Number.NaN]),
        };
      }),
  );
}

/** How VictoriaMetrics labels a point received as line protocol: `<name>_value`, dimensions and unit as tags. */
export function influxLabels(point: MetricPoint): Record<string, string> {
  return {
    __name__: `${point.name}_value`,
    ...point.dimensions,
    ...(point.unit ? { unit: point.unit } : {}),
  };
}

/** OpenTSDB keeps a-z A-Z 0-9 - _ . / and letters in names and tags; anything else arrives as `_`. */
function openTsdbClean(text: string): string {
  return text.replace(/[^A-Za-z0-9\-_./\p{L}]/gu, '_');
}

/** How VictoriaMetrics labels a point received through OpenTSDB /api/put: cleaned name, tags and unit. */
export function openTsdbLabels(point: MetricPoint): Record<string, string> {
  const tags = { ...point.dimensions, ...(point.unit ? { unit: point.unit } : {}) };
  return {
    __name__: openTsdbClean(point.name),
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [openTsdbClean(k), openTsdbClean(v)])),
  };
}

/** The samples of the series named `name` (any labels), as [ms, value] pairs sorted by time. */
export function samplesOf(series: readonly Series[], name: string): Array<[number, number]> {
  return series
    .filter((s) => s.labels.__name__ === name)
    .flatMap((s) => s.samples)
    .sort((a, b) => a[0] - b[0]);
}
