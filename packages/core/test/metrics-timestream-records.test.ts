import { describe, expect, it } from 'vitest';
import {
  encodeTimestreamRecords,
  TIMESTREAM_LIMITS,
  type TimestreamRecord,
  type TimestreamWriteBatch,
  timestreamMeasureName,
} from '../src/metrics/timestream-records.js';
import type { MetricPoint } from '../src/model/results.js';

const T0 = '2026-03-01T10:00:00.123Z';
const MS0 = String(Date.parse(T0));
const DIMS = { package: 'web', check: 'http', target: 'host-1', environment: 'prod' } as const;

function point(name: string, value: number, overrides: Partial<MetricPoint> = {}): MetricPoint {
  return { time: T0, name, value, unit: '', dimensions: DIMS, ...overrides };
}

/** What a check result emits: status, duration and one perfdata label. */
function result(target: string, time = T0): MetricPoint[] {
  const dimensions = { ...DIMS, target };
  return [
    point('healops.check.status', 0, { time, dimensions }),
    point('healops.check.duration_ms', 42, { time, dimensions, unit: 'ms' }),
    point('healops.perf.rta', 0.8, { time, dimensions, unit: 'ms' }),
  ];
}

/** A record with CommonAttributes merged back in (what Timestream stores). */
function merged(batch: TimestreamWriteBatch, i: number): TimestreamRecord {
  const own = batch.records[i] ?? {};
  return {
    ...batch.commonAttributes,
    ...own,
    Dimensions: [...(batch.commonAttributes.Dimensions ?? []), ...(own.Dimensions ?? [])],
  };
}

const utf8 = new TextEncoder();
/** Record size as Timestream meters it: 8 for time, names and values of dimensions, measure name, 8 per DOUBLE. */
function meteredSize(r: TimestreamRecord): number {
  const b = (s: string) => utf8.encode(s).length;
  return (
    8 +
    (r.Dimensions ?? []).reduce((n, d) => n + b(d.Name) + b(d.Value), 0) +
    b(r.MeasureName ?? '') +
    (r.MeasureValues ?? []).reduce((n, m) => n + b(m.Name) + 8, 0)
  );
}

describe('timestreamMeasureName', () => {
  it.each([
    ['healops.check.status', 'check_status'],
    ['healops.check.duration_ms', 'check_duration_ms'],
    ['healops.repair', 'repair'],
    ['healops.repair.duration_ms', 'repair_duration_ms'],
    ['healops.perf.rta', 'perf_rta'],
    ['healops.perf.C:_Used', 'perf_C__Used'],
    ['healops.perf./var/log', 'perf__var_log'],
    ['healops.perf.used%', 'perf_used_'],
    ['custom.metric-name', 'custom_metric_name'],
  ])('%s → %s', (metric, expected) => {
    expect(timestreamMeasureName(metric)).toBe(expected);
  });
});

describe('encodeTimestreamRecords', () => {
  it('turns one check result into one multi-measure record, with what it shares in CommonAttributes', () => {
    const { batches, rejected } = encodeTimestreamRecords(result('host-1'));
    expect(rejected).toEqual([]);
    expect(batches).toEqual([
      {
        commonAttributes: {
          Dimensions: [
            { Name: 'package', Value: 'web' },
            { Name: 'check', Value: 'http' },
            { Name: 'target', Value: 'host-1' },
            { Name: 'environment', Value: 'prod' },
          ],
          MeasureName: 'healops',
          MeasureValueType: 'MULTI',
          Time: MS0,
          TimeUnit: 'MILLISECONDS',
          Version: 1,
        },
        records: [
          {
            MeasureValues: [
              { Name: 'check_status', Value: '0', Type: 'DOUBLE' },
              { Name: 'check_duration_ms', Value: '42', Type: 'DOUBLE' },
              { Name: 'perf_rta', Value: '0.8', Type: 'DOUBLE' },
            ],
          },
        ],
        pointIndexes: [[0, 1, 2]],
      },
    ]);
  });

  it('keeps per record only the dimensions and times that differ', () => {
    const later = '2026-03-01T10:00:05.000Z';
    const { batches } = encodeTimestreamRecords([...result('host-1'), ...result('host-2', later)]);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch?.commonAttributes.Dimensions?.map((d) => d.Name)).toEqual([
      'package',
      'check',
      'environment',
    ]);
    expect(batch?.commonAttributes.Time).toBeUndefined();
    expect(batch?.commonAttributes.MeasureName).toBe('healops');
    expect(batch?.records.map((r) => [r.Dimensions, r.Time])).toEqual([
      [[{ Name: 'target', Value: 'host-1' }], MS0],
      [[{ Name: 'target', Value: 'host-2' }], String(Date.parse(later))],
    ]);
    expect(batch?.pointIndexes).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('groups by time and dimensions whatever order the points and dimension keys come in', () => {
    const reordered = { environment: 'prod', target: 'host-1', check: 'http', package: 'web' };
    const points = [
      point('healops.check.status', 2),
      point('healops.repair', 1, { time: '2026-03-01T10:00:01.000Z' }),
      point('healops.check.duration_ms', 7, { dimensions: reordered }),
    ];
    const { batches } = encodeTimestreamRecords(points);
    expect(batches[0]?.pointIndexes).toEqual([[0, 2], [1]]);
    expect(merged(batches[0] as TimestreamWriteBatch, 0).MeasureValues?.map((m) => m.Name)).toEqual([
      'check_status',
      'check_duration_ms',
    ]);
  });

  it('puts at most 100 records in a batch and every point in exactly one record', () => {
    const points = Array.from({ length: 250 }, (_, i) => result(`host-${i}`)).flat();
    const { batches, rejected } = encodeTimestreamRecords(points);
    expect(rejected).toEqual([]);
    expect(batches.map((b) => b.records.length)).toEqual([100, 100, 50]);
    const carried = batches.flatMap((b) => b.pointIndexes.flat()).sort((a, b) => a - b);
    expect(carried).toEqual(points.map((_, i) => i));
    const few = encodeTimestreamRecords(points, { recordsPerWrite: 40 });
    expect(few.batches.map((b) => b.records.length)).toEqual([40, 40, 40, 40, 40, 40, 10]);
  });

  it('omits dimensions whose value is empty (Timestream refuses empty values)', () => {
    const { batches } = encodeTimestreamRecords([
      point('healops.check.status', 0, { dimensions: { ...DIMS, environment: '' } }),
    ]);
    expect(batches[0]?.commonAttributes.Dimensions?.map((d) => d.Name)).toEqual([
      'package',
      'check',
      'target',
    ]);
  });

  const long = (n: number) => 'x'.repeat(n);
  it.each<[string, Partial<MetricPoint>, string]>([
    ['a NaN value', { value: Number.NaN }, 'cannot be stored as a Timestream DOUBLE'],
    ['an infinite value', { value: Number.POSITIVE_INFINITY }, 'cannot be stored as a Timestream DOUBLE'],
    ['a time that does not parse', { time: 'yesterday' }, 'is not an ISO-8601 timestamp'],
    ['no dimension with a value', { dimensions: { package: '', check: '' } }, 'at least one'],
    ['a dimension name with a colon', { dimensions: { ...DIMS, 'os:family': 'linux' } }, 'contains ":"'],
    ['a reserved dimension name', { dimensions: { ...DIMS, time: 'x' } }, 'reserved by Timestream'],
    ['a dimension name starting with ts_', { dimensions: { ...DIMS, ts_zone: 'x' } }, 'starts with "ts_"'],
    ['a dimension name over 60 bytes', { dimensions: { ...DIMS, [long(61)]: 'x' } }, '61 bytes'],
    ['dimensions over 2 KiB', { dimensions: { ...DIMS, note: long(2100) } }, 'per series'],
    [
      '129 dimensions',
      { dimensions: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`d${i}`, 'v'])) },
      '129 dimensions',
    ],
    ['a measure name over 256 bytes', { name: `healops.perf.${long(257)}` }, '262 bytes'],
    ['a measure named like a dimension', { name: 'healops.check' }, 'is also a dimension name'],
    ['a measure name Timestream reserves', { name: 'measure_value' }, 'reserved by Timestream'],
  ])('rejects a point with %s, and still encodes the others', (_, overrides, reason) => {
    const bad = point('healops.check.status', 1, overrides);
    const { batches, rejected } = encodeTimestreamRecords([point('healops.check.duration_ms', 3), bad]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.index).toBe(1);
    expect(rejected[0]?.reason).toContain(reason);
    expect(batches.flatMap((b) => b.pointIndexes)).toEqual([[0]]);
  });

  it('stores a point sent twice once, and refuses a second, different value for the same measure', () => {
    const points = [
      point('healops.check.status', 1),
      point('healops.check.status', 1),
      point('healops.check.status', 2),
      point('healops.perf.a.b', 5),
      point('healops.perf.a_b', 6),
    ];
    const { batches, rejected } = encodeTimestreamRecords(points);
    expect(batches[0]?.pointIndexes).toEqual([[0, 1, 3]]);
    expect(batches[0]?.records[0]?.MeasureValues).toEqual([
      { Name: 'check_status', Value: '1', Type: 'DOUBLE' },
      { Name: 'perf_a_b', Value: '5', Type: 'DOUBLE' },
    ]);
    expect(rejected.map((r) => r.index)).toEqual([2, 4]);
    expect(rejected[0]?.reason).toContain('two values (1, 2)');
    expect(rejected[1]?.reason).toContain('healops.perf.a_b and healops.perf.a.b both map to');
  });

  it('spreads a result too big for one record over healops, healops_2, … records within the limits', () => {
    const labels = Array.from({ length: 300 }, (_, i) => point(`healops.perf.filesystem_${i}_used`, i));
    const { batches, rejected } = encodeTimestreamRecords([point('healops.check.status', 0), ...labels]);
    expect(rejected).toEqual([]);
    const batch = batches[0] as TimestreamWriteBatch;
    const records = batch.records.map((_, i) => merged(batch, i));
    expect(records.map((r) => r.MeasureName)).toEqual(
      records.map((_, i) => (i === 0 ? 'healops' : `healops_${i + 1}`)),
    );
    for (const r of records) {
      expect(meteredSize(r)).toBeLessThanOrEqual(TIMESTREAM_LIMITS.recordBytes);
      expect(r.MeasureValues?.length).toBeLessThanOrEqual(TIMESTREAM_LIMITS.measuresPerRecord);
    }
    expect(records[0]?.MeasureValues?.[0]?.Name).toBe('check_status');
    expect(records.flatMap((r) => r.MeasureValues ?? [])).toHaveLength(301);
    expect(batch.pointIndexes.flat()).toEqual(Array.from({ length: 301 }, (_, i) => i));
  });

  it('rejects a point that cannot fit in a 2 KiB record even alone', () => {
    const dimensions = { ...DIMS, note: long(1800) };
    const { batches, rejected } = encodeTimestreamRecords([
      point('healops.check.status', 0, { dimensions }),
      point(`healops.perf.${long(240)}`, 1, { dimensions }),
    ]);
    expect(batches[0]?.pointIndexes).toEqual([[0]]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatch(/would be \d+ bytes \(Timestream allows 2048\)/);
  });

  it('gives the same records for the same points (a resent batch is an identical re-write)', () => {
    const points = Array.from({ length: 30 }, (_, i) =>
      result(`host-${i % 7}`, `2026-03-01T10:0${i % 3}:00Z`),
    ).flat();
    expect(encodeTimestreamRecords(points)).toEqual(encodeTimestreamRecords(points));
  });

  it('takes another measure_name when asked', () => {
    const { batches } = encodeTimestreamRecords(result('h'), { measureName: 'checks' });
    expect(batches[0]?.commonAttributes.MeasureName).toBe('checks');
  });
});
