import { join } from 'node:path';
import type { MetricPoint } from '@healops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StoredRecord, TimestreamEmulator, type WireRecord } from '../support/timestream-emulator.js';
import {
  CHECKS,
  checkPoints,
  localPoints,
  loopbackUrl,
  runOnce,
  type SinkBox,
  sinkBox,
  sinkHealth,
  warnings,
  writeConfig,
} from './support/sink-kit.js';

// The timestream sink through the real CLI and the real @aws-sdk/client-timestream-write, against the loopback
// Timestream Write emulator (endpoint override in the config): every point SQLite recorded lands as a measure of a
// multi-measure record with the same dimensions and millisecond time; a record the service refuses costs only its
// own points, which the run reports on stderr and counts in healops.sink.dropped.

const DATABASE = 'healops';
const TABLE = 'results';

let emulator: TimestreamEmulator;

beforeEach(async () => {
  emulator = await TimestreamEmulator.start({ database: DATABASE, table: TABLE });
});

afterEach(async () => {
  await emulator.close();
});

/** Static credentials for SigV4 and no shared config files: the SDK must not look anywhere else. */
function awsEnv(box: SinkBox): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDHEALOPSE2E',
    AWS_SECRET_ACCESS_KEY: 'healops-e2e-secret',
    AWS_CONFIG_FILE: join(box.root, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(box.root, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function timestreamConfig(box: SinkBox): void {
  const port = Number(new URL(emulator.endpoint).port);
  writeConfig(
    box,
    [
      '  - type: sqlite',
      '  - type: timestream',
      `    database: ${DATABASE}`,
      `    table: ${TABLE}`,
      '    region: eu-west-1',
      `    endpoint: ${loopbackUrl(port)}`,
      '',
    ].join('\n'),
  );
}

/** `healops.check.status` → `check_status`, `healops.perf.C:_Used` → `perf_C__Used`. */
function measureName(metric: string): string {
  return metric.replace(/^healops\./, '').replace(/[^A-Za-z0-9_]/g, '_');
}

/** The stored record holding `point`: same time and dimensions, with the point's value under its measure name. */
function recordOf(records: readonly StoredRecord[], point: MetricPoint): StoredRecord | undefined {
  return records.find(
    (r) =>
      r.time === Date.parse(point.time) &&
      JSON.stringify(Object.entries(r.dimensions).sort()) ===
        JSON.stringify(Object.entries(point.dimensions).sort()) &&
      r.measures[measureName(point.name)] === point.value,
  );
}

/** Records of a WriteRecords body with CommonAttributes' dimensions merged in. */
function dimensionsOf(common: WireRecord | undefined, record: WireRecord): Record<string, string> {
  return Object.fromEntries(
    [...(common?.Dimensions ?? []), ...(record.Dimensions ?? [])].map((d) => [d.Name ?? '', d.Value ?? '']),
  );
}

describe('healops run --once with a timestream sink (emulated endpoint)', () => {
  it('every recorded point lands as a measure with its dimensions and ms time', async ({
    onTestFinished,
  }) => {
    const box = sinkBox(onTestFinished);
    timestreamConfig(box);

    const { result, report } = await runOnce(box, awsEnv(box));

    expect(result.code, result.stderr).toBe(0);
    expect(warnings(result)).toEqual([]);
    expect(report.results.map((r) => [r.check, r.outcome])).toEqual(CHECKS.map((c) => [c, 'ok']));
    const points = await localPoints(box);
    expect(sinkHealth(points, 'pending', 'timestream')).toBe(0);
    expect(sinkHealth(points, 'dropped', 'timestream')).toBe(0);
    const records = emulator.stored;
    for (const point of points) {
      expect(recordOf(records, point), `${point.name} ${JSON.stringify(point.dimensions)}`).toBeDefined();
    }
    // One multi-measure record per check result (all its measures), one for the heartbeat, one for the sink's health.
    const web = records.find((r) => r.dimensions.check === 'web');
    expect(web).toMatchObject({
      measureName: 'healops',
      version: 1,
      dimensions: { package: 'shop', check: 'web', target: 'local', environment: 'e2e' },
      measures: { check_status: 0, perf_rta: 0.046, perf_C__Used: 87.5, perf_conns: 3 },
    });
    expect(records).toHaveLength(CHECKS.length + 2);
    expect(emulator.writes.every((w) => (w.Records?.length ?? 0) <= 100)).toBe(true);
  });

  it('a rejected record costs only its own points: the others land, stderr says why, dropped counts them', async ({
    onTestFinished,
  }) => {
    const box = sinkBox(onTestFinished);
    timestreamConfig(box);
    emulator.rejectNext({
      0: 'Simulated rejection: the record is outside the memory store retention period.',
    });

    const { result } = await runOnce(box, awsEnv(box));

    expect(result.code, result.stderr).toBe(0);
    // The first WriteRecords carried both check results; record 0 was refused.
    const [firstWrite] = emulator.writes;
    expect(firstWrite?.Records).toHaveLength(CHECKS.length);
    const refusedRecord = firstWrite?.Records?.[0] as WireRecord;
    const refusedCheck = dimensionsOf(firstWrite?.CommonAttributes, refusedRecord).check;
    const keptCheck = CHECKS.find((c) => c !== refusedCheck);
    expect(keptCheck).toBeDefined();
    const refusedMeasures = refusedRecord.MeasureValues?.length ?? 0;
    expect(refusedMeasures).toBeGreaterThan(1);

    const points = await localPoints(box);
    const records = emulator.stored;
    for (const point of checkPoints(points)) {
      const landed = recordOf(records, point);
      if (point.dimensions.check === refusedCheck) expect(landed, point.name).toBeUndefined();
      else expect(landed, point.name).toBeDefined();
    }
    expect(records.some((r) => r.measures.heartbeat === 1)).toBe(true);
    // One warning per refused point, naming the record and Timestream's reason.
    const refusals = warnings(result).filter((w) =>
      w.includes('metrics sink timestream: store refused a point'),
    );
    expect(refusals, result.stderr).toHaveLength(refusedMeasures);
    for (const line of refusals) {
      expect(line).toContain('Timestream rejected record 0: Simulated rejection');
    }
    expect(sinkHealth(points, 'dropped', 'timestream')).toBe(refusedMeasures);
    expect(sinkHealth(points, 'pending', 'timestream')).toBe(0);
  });
});
