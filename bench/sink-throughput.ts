/**
 * Throughput of each metrics sink through the path `healops run` uses.
 *
 *   npx tsx bench/sink-throughput.ts [points]     (default 10000)
 *
 * For each sink (sqlite; influx and opentsdb into a real VictoriaMetrics on loopback; timestream into the loopback
 * Timestream Write emulator; emf into a file), in a fresh temp home each time: builds the sinks with the CLI's own
 * localEngine (createSinks + BufferedSink + SqliteOutbox in that home), writes `points` realistic MetricPoints
 * (check results of 22 points: status, duration and 20 perfdata labels) and flushes, then checks that the store
 * holds every point and that nothing is pending or dropped. Two ways of writing:
 *   per-result  one write() per check result, as a run does (every result is its own outbox row)
 *   bulk        one write() of every point (rows of 1,000 points, like a backlog written at once)
 * Prints the median of 3 of points/s (write + flush), the write and flush times, and the requests per 10,000 points
 * (HTTP requests counted by wrapping fetch for influx/opentsdb, WriteRecords calls counted at the emulator).
 * Configs are built as typed objects (as loadConfig returns them) rather than parsed from YAML, because the config
 * schema refuses loopback URLs (see test/e2e-sinks/loopback-urls.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MetricPoint, MetricsSink, SinkConfig } from '@healops/core';
import { localEngine } from '../packages/cli/src/local-engine.js';
import { TimestreamEmulator } from '../test/support/timestream-emulator.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../test/support/tsdb-servers.js';

const REPEATS = 3;
const PERF_LABELS = 20;
const POINTS_PER_RESULT = PERF_LABELS + 2;
const PER_10K = 10_000;
/** Safety limit while waiting for a store to show what it was sent. */
const VISIBLE_LIMIT_MS = 30_000;

const MODES = ['per-result', 'bulk'] as const;
type Mode = (typeof MODES)[number];
const SINKS = ['sqlite', 'influx', 'opentsdb', 'timestream', 'emf'] as const;
type SinkType = (typeof SINKS)[number];

interface Sample {
  readonly writeMs: number;
  readonly flushMs: number;
  readonly requests: number | undefined;
  readonly delivered: number;
}

interface Row {
  readonly sink: SinkType;
  readonly mode: Mode;
  readonly pointsPerSecond: number;
  readonly writeMs: number;
  readonly flushMs: number;
  readonly requestsPer10k: number | undefined;
  readonly delivered: string;
}

function parseCount(arg: string | undefined): number {
  if (arg === undefined) return 10_000;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`points must be a positive integer, got "${arg}"`);
  return n;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Perfdata labels as plugins write them (after perfMetricName), with their units. */
const LABELS: ReadonlyArray<readonly [string, string]> = [
  ['load1', ''],
  ['load5', ''],
  ['load15', ''],
  ['rta', 'ms'],
  ['pl', '%'],
  ['C:_Used', '%'],
  ['/', 'MB'],
  ['/var', 'MB'],
  ['/home', 'MB'],
  ['inodes', '%'],
  ['users', ''],
  ['procs', ''],
  ['swap', 'MB'],
  ['mem_used', 'B'],
  ['time', 's'],
  ['size', 'B'],
  ['conns', ''],
  ['requests', 'c'],
  ['errors', 'c'],
  ['latency_p99', 'ms'],
];

/** `count` points: check results of 22 points each, every result its own target and millisecond. */
function results(count: number, environment: string): MetricPoint[][] {
  const base = Date.now() - 30 * 60_000;
  const out: MetricPoint[][] = [];
  for (let r = 0, made = 0; made < count; r++) {
    const time = new Date(base + r * 7).toISOString();
    const dimensions = { package: 'bench', check: `check-${r % 25}`, target: `srv-${r}`, environment };
    const points: MetricPoint[] = [
      { time, name: 'healops.check.status', value: r % 4 === 3 ? 1 : 0, unit: '', dimensions },
      { time, name: 'healops.check.duration_ms', value: 10 + (r % 90) + 0.125, unit: 'ms', dimensions },
      ...LABELS.map(
        ([label, unit], i): MetricPoint => ({
          time,
          name: `healops.perf.${label}`,
          value: (((r + 1) * (i + 3)) % 1000) + 0.5,
          unit,
          dimensions,
        }),
      ),
    ].slice(0, count - made);
    made += points.length;
    out.push(points);
  }
  return out;
}

/** Counts fetch calls whose URL starts with a watched prefix (the sinks' HTTP requests). */
class FetchCounter {
  #count = 0;
  #prefix: string | undefined;

  constructor() {
    const original = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (this.#prefix !== undefined && url.startsWith(this.#prefix)) this.#count++;
      return original(input, init);
    };
  }

  watch(prefix: string | undefined): void {
    this.#prefix = prefix;
    this.#count = 0;
  }

  get count(): number {
    return this.#count;
  }
}

interface Peers {
  readonly vm: VictoriaMetrics;
  readonly emulator: TimestreamEmulator;
  readonly fetches: FetchCounter;
}

function configFor(sink: SinkType, peers: Peers, home: string): SinkConfig {
  switch (sink) {
    case 'sqlite':
      return { type: 'sqlite' };
    case 'influx':
      return { type: 'influx', url: `${peers.vm.url}/write` };
    case 'opentsdb':
      return { type: 'opentsdb', url: peers.vm.opentsdbUrl };
    case 'timestream':
      return {
        type: 'timestream',
        database: 'healops',
        table: 'results',
        region: 'eu-west-1',
        endpoint: peers.emulator.endpoint,
      };
    case 'emf':
      return { type: 'emf', path: join(home, 'metrics.emf') };
  }
}

/** Samples VictoriaMetrics holds for `environment`, once they are all visible (or the safety limit passes). */
async function victoriaSamples(vm: VictoriaMetrics, environment: string, expected: number): Promise<number> {
  const deadline = Date.now() + VISIBLE_LIMIT_MS;
  for (;;) {
    await vm.flush();
    const query = new URLSearchParams({ 'match[]': `{environment="${environment}"}` });
    const response = await fetch(`${vm.url}/api/v1/export?${query}`);
    const text = await response.text();
    if (!response.ok) throw new Error(`export: HTTP ${response.status} ${text}`);
    const count = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .reduce((n, line) => n + (JSON.parse(line) as { values: number[] }).values.length, 0);
    if (count >= expected || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How many of the points the sink's store holds now. */
async function delivered(
  sink: SinkType,
  peers: Peers,
  home: string,
  environment: string,
  expected: number,
  local: { queryMetrics: (q: { since: Date; package: string }) => Promise<MetricPoint[]> },
): Promise<number> {
  switch (sink) {
    case 'sqlite':
      return (await local.queryMetrics({ since: new Date(Date.now() - 3_600_000), package: 'bench' })).length;
    case 'influx':
    case 'opentsdb':
      return victoriaSamples(peers.vm, environment, expected);
    case 'timestream':
      return peers.emulator.stored
        .filter((r) => r.dimensions.environment === environment)
        .reduce((n, r) => n + Object.keys(r.measures).length, 0);
    case 'emf': {
      const lines = readFileSync(join(home, 'metrics.emf'), 'utf8').trimEnd().split('\n');
      return lines.reduce((n, line) => {
        const document = JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Metrics: unknown[] }> } };
        return n + document._aws.CloudWatchMetrics.reduce((m, d) => m + d.Metrics.length, 0);
      }, 0);
    }
  }
}

async function once(sink: SinkType, mode: Mode, count: number, peers: Peers, run: number): Promise<Sample> {
  const home = mkdtempSync(join(tmpdir(), 'healops-bench-sink-'));
  const environment = `bench-${sink}-${mode}-${run}-${Date.now()}`;
  const problems: string[] = [];
  const engine = await localEngine(home, {
    dryRun: false,
    metrics: [configFor(sink, peers, home)],
    onSinkProblem: (message) => problems.push(message),
  });
  try {
    const [target] = engine.deps.sinks as MetricsSink[];
    if (target === undefined) throw new Error(`no sink built for ${sink}`);
    const batches = results(count, environment);
    const writes = mode === 'bulk' ? [batches.flat()] : batches;
    const writeRequestsBefore = peers.emulator.writes.length;
    peers.fetches.watch(
      sink === 'influx' ? peers.vm.url : sink === 'opentsdb' ? peers.vm.opentsdbUrl : undefined,
    );
    const start = performance.now();
    for (const points of writes) await target.write(points);
    const written = performance.now();
    await target.flush();
    const flushed = performance.now();
    const requests =
      sink === 'influx' || sink === 'opentsdb'
        ? peers.fetches.count
        : sink === 'timestream'
          ? peers.emulator.writes.length - writeRequestsBefore
          : undefined;
    peers.fetches.watch(undefined);
    const health = (await target.health?.()) ?? { pending: 0, dropped: 0 };
    if (problems.length > 0 || health.pending !== 0 || health.dropped !== 0) {
      throw new Error(
        `${sink} ${mode}: pending ${health.pending}, dropped ${health.dropped}, problems:\n${problems.slice(0, 5).join('\n')}`,
      );
    }
    return {
      writeMs: written - start,
      flushMs: flushed - written,
      requests,
      delivered: await delivered(sink, peers, home, environment, count, engine.store),
    };
  } finally {
    engine.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function table(rows: readonly Row[]): string {
  const header = ['sink', 'writes', 'points/s', 'write ms', 'flush ms', 'requests/10k', 'delivered'];
  const body = rows.map((r) => [
    r.sink,
    r.mode,
    r.pointsPerSecond.toFixed(0),
    r.writeMs.toFixed(1),
    r.flushMs.toFixed(1),
    r.requestsPer10k === undefined ? '-' : r.requestsPer10k.toFixed(0),
    r.delivered,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const count = parseCount(process.argv[2]);
  // The Timestream transport takes the SDK's default credentials: static ones for the emulator (SigV4 is checked).
  process.env.AWS_ACCESS_KEY_ID = 'AKIDHEALOPSBENCH';
  process.env.AWS_SECRET_ACCESS_KEY = 'healops-bench-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const fetches = new FetchCounter();
  const vm = await startVictoriaMetrics();
  const emulator = await TimestreamEmulator.start({ database: 'healops', table: 'results' });
  const peers: Peers = { vm, emulator, fetches };
  try {
    const rows: Row[] = [];
    for (const sink of SINKS) {
      for (const mode of MODES) {
        const samples: Sample[] = [];
        for (let run = 0; run < REPEATS; run++) samples.push(await once(sink, mode, count, peers, run));
        const requests = samples.map((s) => s.requests);
        const counted = requests.every((r) => r !== undefined) ? median(requests as number[]) : undefined;
        const short = samples.filter((s) => s.delivered !== count).map((s) => s.delivered);
        rows.push({
          sink,
          mode,
          pointsPerSecond: median(samples.map((s) => (count / (s.writeMs + s.flushMs)) * 1000)),
          writeMs: median(samples.map((s) => s.writeMs)),
          flushMs: median(samples.map((s) => s.flushMs)),
          requestsPer10k: counted === undefined ? undefined : (counted * PER_10K) / count,
          delivered: short.length === 0 ? 'all' : `${short.join(',')}/${count}`,
        });
        process.stderr.write(`  ${sink} ${mode} done\n`);
      }
    }
    console.log(
      `healops metrics sinks: ${count} points (${POINTS_PER_RESULT} per result), node ${process.version}, median of ${REPEATS}`,
    );
    console.log(table(rows));
    console.log(
      'points/s = points ÷ (write + flush); write = enqueue into the SQLite outbox (remote sinks) or the store/file;\n' +
        'requests/10k: HTTP POSTs (influx, opentsdb) or WriteRecords calls (timestream) per 10,000 points',
    );
  } finally {
    await vm.stop();
    await emulator.close();
  }
}

await main();
