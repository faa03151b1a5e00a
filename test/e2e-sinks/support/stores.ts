import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint } from '@healops/core';
import { normalize, type Series } from '../../support/tsdb-series.js';
import { requireBinary, VICTORIA_METRICS_BIN } from '../../support/tsdb-servers.js';

/** Safety limits (not performance assertions). */
const READY_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 10_000;

export interface VictoriaAt {
  /** http://127.0.0.1:<httpPort>: line protocol at /write, queries at /api/v1/*. */
  readonly url: string;
  /** Every series it holds, from /api/v1/export (after a force_flush). */
  exportAll(): Promise<Series[]>;
  stop(): Promise<void>;
}

/**
 * VictoriaMetrics (Debian package victoria-metrics) on the GIVEN loopback ports, with the flags of
 * test/support/tsdb-servers.ts: for a test that points a config at a port first and starts the store there later.
 */
export async function startVictoriaMetricsAt(httpPort: number, opentsdbPort: number): Promise<VictoriaAt> {
  requireBinary(VICTORIA_METRICS_BIN, 'victoria-metrics');
  const dir = mkdtempSync(join(tmpdir(), 'healops-e2e-vm-'));
  const url = `http://127.0.0.1:${httpPort}`;
  const child: ChildProcess = spawn(
    VICTORIA_METRICS_BIN,
    [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${httpPort}`,
      `-opentsdbHTTPListenAddr=127.0.0.1:${opentsdbPort}`,
      '-retentionPeriod=1y',
      '-search.disableCache',
      '-search.latencyOffset=0s',
      '-loggerLevel=WARN',
      '-dedup.minScrapeInterval=1ms',
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(kill, STOP_LIMIT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const deadline = Date.now() + READY_LIMIT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`victoria-metrics exited before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`victoria-metrics not ready on ${url} after ${READY_LIMIT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, exportAll: () => exportAll(url), stop };
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
