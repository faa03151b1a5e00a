import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from '@healops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfProblems } from '../../packages/core/test/support/emf-validator.js';
import { expectedSeries, normalize, readUntil } from '../support/tsdb-series.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/tsdb-servers.js';
import {
  CHECKS,
  checkPoints,
  localPoints,
  loopbackUrl,
  PACKAGE,
  runOnce,
  sinkBox,
  sinkHealth,
  warnings,
  writeConfig,
} from './support/sink-kit.js';
import { exportAll, influxLabels, openTsdbLabels } from './support/stores.js';

// One `healops run --once` with sqlite, influx and opentsdb (both into a real VictoriaMetrics on loopback) and emf
// (to a file): every point the run recorded in SQLite (`healops metrics --json`) reads back from VictoriaMetrics'
// /api/v1/export with the same name, labels, value and millisecond timestamp, once per protocol, and as EMF lines
// that are valid CloudWatch Embedded Metric Format.

const PERF_WEB = ['healops.perf.rta', 'healops.perf.C:_Used', 'healops.perf.conns'];

let vm: VictoriaMetrics | undefined;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
});

afterAll(async () => {
  await vm?.stop();
});

function store(): VictoriaMetrics {
  if (vm === undefined) throw new Error('VictoriaMetrics did not start');
  return vm;
}

interface EmfLine {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit?: string }>;
    }>;
  };
  readonly [member: string]: unknown;
}

/** The EMF line holding `point`: same timestamp and dimension values, the metric defined with its value. */
function emfLineOf(lines: readonly EmfLine[], point: MetricPoint): EmfLine | undefined {
  return lines.find(
    (line) =>
      line._aws.Timestamp === Date.parse(point.time) &&
      Object.entries(point.dimensions).every(([key, value]) => line[key] === value) &&
      line._aws.CloudWatchMetrics.some((d) => d.Metrics.some((m) => m.Name === point.name)) &&
      line[point.name] === point.value,
  );
}

describe('healops run --once with sqlite, influx, opentsdb and emf sinks', () => {
  it('delivers every recorded point to VictoriaMetrics over both protocols and as valid EMF lines', async ({
    onTestFinished,
  }) => {
    const box = sinkBox(onTestFinished);
    const emfPath = join(box.root, 'out', 'metrics.emf');
    const http = new URL(store().url);
    const opentsdb = new URL(store().opentsdbUrl);
    writeConfig(
      box,
      [
        '  - type: sqlite',
        '  - type: influx',
        `    url: ${loopbackUrl(Number(http.port), '/write')}`,
        '  - type: opentsdb',
        `    url: ${loopbackUrl(Number(opentsdb.port))}`,
        '  - type: emf',
        `    path: ${emfPath}`,
        '',
      ].join('\n'),
    );

    const { result, report } = await runOnce(box);

    expect(result.code, result.stderr).toBe(0);
    expect(warnings(result)).toEqual([]);
    expect(report.results.map((r) => [r.check, r.status])).toEqual(CHECKS.map((c) => [c, 'ok']));

    // What SQLite holds: both checks' status, duration and perfdata, the heartbeat, and each remote sink's health.
    const points = await localPoints(box);
    const checks = checkPoints(points);
    const perf = { disk: ['healops.perf./_used', 'healops.perf.inodes'], web: PERF_WEB } as const;
    for (const check of CHECKS) {
      expect(
        checks.filter((p) => p.dimensions.check === check).map((p) => p.name),
        check,
      ).toEqual(['healops.check.status', 'healops.check.duration_ms', ...perf[check]]);
    }
    const used = checks.find((p) => p.name === 'healops.perf.C:_Used');
    expect(used).toMatchObject({
      value: 87.5,
      unit: '%',
      dimensions: { package: PACKAGE, check: 'web', target: 'local', environment: 'e2e' },
    });
    expect(points.filter((p) => p.name === 'healops.heartbeat')).toHaveLength(1);
    for (const sink of ['influx', 'opentsdb']) {
      expect(sinkHealth(points, 'pending', sink), sink).toBe(0);
      expect(sinkHealth(points, 'dropped', sink), sink).toBe(0);
    }

    // VictoriaMetrics holds exactly those points, once as line protocol (`<name>_value`) and once through
    // OpenTSDB (cleaned names and tags), with the same values and millisecond timestamps.
    const expected = [...expectedSeries(points, influxLabels), ...expectedSeries(points, openTsdbLabels)];
    const stored = await readUntil(() => exportAll(store().url), points.length * 2);
    expect(stored).toEqual(normalize(expected));
    // Spot checks that do not depend on the label mapping above.
    expect(stored.find((s) => s.labels.__name__ === 'healops.perf.C__Used')).toEqual({
      labels: {
        __name__: 'healops.perf.C__Used',
        check: 'web',
        environment: 'e2e',
        package: PACKAGE,
        target: 'local',
        unit: '_',
      },
      samples: [[Date.parse(used?.time ?? ''), 87.5]],
    });
    expect(stored.filter((s) => s.labels.__name__?.startsWith('healops.heartbeat'))).toHaveLength(2);

    // EMF: one JSON document per line, each valid EMF, holding every point under its own timestamp.
    const lines = readFileSync(emfPath, 'utf8').trimEnd().split('\n');
    const documents = lines.map((line) => JSON.parse(line) as EmfLine);
    for (const document of documents) {
      expect(emfProblems(document), JSON.stringify(document)).toEqual([]);
      expect(document._aws.CloudWatchMetrics.map((d) => d.Namespace)).toEqual(['HealOps']);
    }
    for (const point of points) {
      expect(emfLineOf(documents, point), `${point.name} ${JSON.stringify(point.dimensions)}`).toBeDefined();
    }
    const web = emfLineOf(documents, checks.find((p) => p.name === 'healops.perf.rta') as MetricPoint);
    expect(web?._aws.CloudWatchMetrics[0]?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'healops.check.status', Unit: 'None' },
        { Name: 'healops.check.duration_ms', Unit: 'Milliseconds' },
        { Name: 'healops.perf.rta', Unit: 'Milliseconds' },
        { Name: 'healops.perf.C:_Used', Unit: 'Percent' },
      ]),
    );
  });
});
