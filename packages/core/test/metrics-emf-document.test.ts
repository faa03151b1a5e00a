import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import {
  buildEmfDocuments,
  EMF_DEFAULT_NAMESPACE,
  EMF_DIMENSION_SETS,
  type EmfBuild,
  type EmfDocument,
} from '../src/metrics/emf-document.js';
import { CLOUDWATCH_UNITS, cloudWatchUnit } from '../src/metrics/emf-units.js';
import { METRIC } from '../src/metrics/names.js';
import type { MetricPoint } from '../src/model/results.js';
import { UOMS } from '../src/nagios/types.js';
import { emfProblems } from './support/emf-validator.js';

const T0 = '2026-01-01T00:00:00.123Z';
const T0_MS = Date.parse(T0);
const SERIES = { package: 'linux-base', check: 'disk-root', target: 'web-1', environment: 'prod' };

function point(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return { time: T0, name: METRIC.checkStatus, value: 2, unit: '', dimensions: SERIES, ...overrides };
}

/** Builds, and checks every document against the EMF schema as it will appear in the log (after JSON). */
function build(points: readonly MetricPoint[], options?: Parameters<typeof buildEmfDocuments>[1]): EmfBuild {
  const result = buildEmfDocuments(points, options);
  for (const document of result.documents) {
    expect(emfProblems(JSON.parse(JSON.stringify(document)))).toEqual([]);
  }
  return result;
}

function metricNames(document: EmfDocument | undefined): string[] {
  return document?._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)) ?? [];
}

describe('the EMF schema used by these tests', () => {
  const valid = {
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['d']], Metrics: [{ Name: 'm', Unit: 'Count' }] }],
    },
    d: 'x',
    m: 1,
  };

  it('accepts the specification example shape', () => {
    expect(emfProblems(valid)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['no _aws', { m: 1 }],
    ['a string Timestamp', { ...valid, _aws: { ...valid._aws, Timestamp: '1' } }],
    [
      'an unknown unit',
      {
        ...valid,
        _aws: {
          ...valid._aws,
          CloudWatchMetrics: [{ ...valid._aws.CloudWatchMetrics[0], Metrics: [{ Name: 'm', Unit: 'ms' }] }],
        },
      },
    ],
    [
      '101 metrics',
      {
        ...valid,
        _aws: {
          ...valid._aws,
          CloudWatchMetrics: [
            {
              Namespace: 'N',
              Dimensions: [[]],
              Metrics: Array.from({ length: 101 }, (_, i) => ({ Name: `m${i}` })),
            },
          ],
        },
        ...Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, i])),
      },
    ],
    [
      '31 dimensions in a set',
      {
        ...valid,
        _aws: {
          ...valid._aws,
          CloudWatchMetrics: [
            {
              Namespace: 'N',
              Dimensions: [Array.from({ length: 31 }, (_, i) => `d${i}`)],
              Metrics: [{ Name: 'm' }],
            },
          ],
        },
        ...Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v'])),
      },
    ],
    ['a missing dimension target', { ...valid, d: undefined }],
    ['a numeric dimension target', { ...valid, d: 3 }],
    ['a string metric target', { ...valid, m: '1' }],
    [
      'an AWS/ namespace',
      {
        ...valid,
        _aws: {
          ...valid._aws,
          CloudWatchMetrics: [{ ...valid._aws.CloudWatchMetrics[0], Namespace: 'AWS/EC2' }],
        },
      },
    ],
  ])('rejects %s', (_, document) => {
    expect(emfProblems(JSON.parse(JSON.stringify(document)))).not.toEqual([]);
  });
});

describe('buildEmfDocuments', () => {
  it('writes one result as one document: timestamp in ms, namespace, dimension sets, units and values', () => {
    const { documents, rejected } = build([
      point(),
      point({ name: METRIC.checkDuration, value: 12.5, unit: 'ms' }),
      point({ name: 'healops.perf.used', value: 81, unit: '%' }),
    ]);
    expect(rejected).toEqual([]);
    expect(documents).toEqual([
      {
        _aws: {
          Timestamp: T0_MS,
          CloudWatchMetrics: [
            {
              Namespace: 'HealOps',
              Dimensions: [
                ['package', 'check', 'target', 'environment'],
                ['package', 'environment'],
              ],
              Metrics: [
                { Name: 'healops.check.status', Unit: 'None' },
                { Name: 'healops.check.duration_ms', Unit: 'Milliseconds' },
                { Name: 'healops.perf.used', Unit: 'Percent' },
              ],
            },
          ],
        },
        package: 'linux-base',
        check: 'disk-root',
        target: 'web-1',
        environment: 'prod',
        'healops.check.status': 2,
        'healops.check.duration_ms': 12.5,
        'healops.perf.used': 81,
      },
    ]);
    expect(Object.keys(documents[0] ?? {})[0]).toBe('_aws');
  });

  it('makes status, repair and escalation watchable per series and across a package', () => {
    const { documents } = build([
      point(),
      point({ name: METRIC.repair, value: 0 }),
      point({ name: METRIC.escalation, value: 1, dimensions: { ...SERIES, severity: 'critical' } }),
    ]);
    const setsOf = (name: string) =>
      documents.find((d) => metricNames(d).includes(name))?._aws.CloudWatchMetrics[0]?.Dimensions;
    for (const name of [METRIC.checkStatus, METRIC.repair, METRIC.escalation]) {
      expect(setsOf(name)).toContainEqual(['package', 'check', 'target', 'environment']);
      expect(setsOf(name)).toContainEqual(['package', 'environment']);
    }
    // The escalation keeps its full identity too.
    expect(setsOf(METRIC.escalation)).toContainEqual([
      'package',
      'check',
      'target',
      'environment',
      'severity',
    ]);
    expect(setsOf(METRIC.checkStatus)).toHaveLength(EMF_DIMENSION_SETS.length);
  });

  it('groups by timestamp and dimension values, whatever the order of the dimension keys', () => {
    const reordered = { environment: 'prod', target: 'web-1', check: 'disk-root', package: 'linux-base' };
    const { documents } = build([
      point({ name: 'a' }),
      point({ name: 'b', dimensions: reordered }),
      point({ name: 'c', dimensions: { ...SERIES, target: 'web-2' } }),
      point({ name: 'd', time: '2026-01-01T00:00:01.000Z' }),
      point({ name: 'e', time: '2026-01-01T01:00:00.123+01:00' }),
    ]);
    expect(documents.map(metricNames)).toEqual([['a', 'b', 'e'], ['c'], ['d']]);
    expect(documents.map((d) => [d._aws.Timestamp, d.target])).toEqual([
      [T0_MS, 'web-1'],
      [T0_MS, 'web-2'],
      [T0_MS + 877, 'web-1'],
    ]);
  });

  it('splits more than 100 metrics of one series into documents of at most 100', () => {
    const points = Array.from({ length: 250 }, (_, i) => point({ name: `healops.perf.m${i}`, value: i }));
    const { documents } = build(points);
    expect(documents.map((d) => metricNames(d).length)).toEqual([100, 100, 50]);
    expect(documents.flatMap(metricNames)).toEqual(points.map((p) => p.name));
    expect(documents.map((d) => d['healops.perf.m249'])).toEqual([undefined, undefined, 249]);
  });

  it('puts a second value of the same metric, series and time in another document instead of losing it', () => {
    const { documents } = build([point({ value: 0 }), point({ value: 2 })]);
    expect(documents.map((d) => d['healops.check.status'])).toEqual([0, 2]);
  });

  it('gives points without the base dimensions their own dimension set, an empty one when they have none', () => {
    const { documents } = build([
      point({ name: 'load1', dimensions: { host: 'h1' } }),
      point({ name: 'healops.heartbeat', dimensions: {} }),
    ]);
    expect(documents.map((d) => d._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([[['host']], [[]]]);
  });

  it('uses the namespace and dimension sets it is given', () => {
    const { documents } = build([point()], {
      namespace: 'Ops/HealOps',
      dimensionSets: [['environment'], []],
    });
    expect(documents[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Ops/HealOps',
      Dimensions: [['environment'], [], ['package', 'check', 'target', 'environment']],
    });
    expect(EMF_DEFAULT_NAMESPACE).toBe('HealOps');
  });

  it.each<[string, string]>([
    ['', 'must be 1 to 255 characters long'],
    ['x'.repeat(256), 'must be 1 to 255 characters long'],
    ['AWS/EC2', 'reserved'],
    ['tab\there', 'printable ASCII'],
    ['Heal\u00d6ps', 'printable ASCII'],
    ['   ', 'other than whitespace'],
  ])('refuses the namespace %j', (namespace, message) => {
    expect(() => buildEmfDocuments([point()], { namespace })).toThrow(ConfigError);
    expect(() => buildEmfDocuments([point()], { namespace })).toThrow(message);
  });

  it.each<[string, ReadonlyArray<readonly string[]>]>([
    ['more than 30 dimensions', [Array.from({ length: 31 }, (_, i) => `d${i}`)]],
    ['a dimension twice', [['package', 'package']]],
    ['an empty dimension name', [['']]],
  ])('refuses a dimension set with %s', (_, dimensionSets) => {
    expect(() => buildEmfDocuments([point()], { dimensionSets })).toThrow(ConfigError);
  });
});

describe('units', () => {
  it.each(UOMS.map((uom) => [uom, CLOUDWATCH_UNITS[uom]] as const))('%j becomes %s', (uom, expected) => {
    const { documents, rejected } = build([point({ name: 'm', unit: uom, value: 1 })]);
    expect(rejected).toEqual([]);
    expect(documents[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'm', Unit: expected }]);
  });

  it('maps exactly the plugin units', () => {
    expect(CLOUDWATCH_UNITS).toEqual({
      '': 'None',
      s: 'Seconds',
      ms: 'Milliseconds',
      us: 'Microseconds',
      '%': 'Percent',
      B: 'Bytes',
      KB: 'Kilobytes',
      MB: 'Megabytes',
      GB: 'Gigabytes',
      TB: 'Terabytes',
      c: 'Count',
    });
  });

  it.each(['kg', 'Milliseconds', 'MS', 'KiB'])('refuses the unknown unit %j', (unit) => {
    expect(cloudWatchUnit(unit)).toBeUndefined();
    const { documents, rejected } = build([point({ unit })]);
    expect(documents).toEqual([]);
    expect(rejected).toEqual([{ index: 0, reason: expect.stringContaining('no CloudWatch equivalent') }]);
  });
});

interface PointCase {
  readonly name: string;
  readonly point: MetricPoint;
  readonly reason: string | null;
}

const dims = (extra: Record<string, string>) => ({ ...SERIES, ...extra });
const manyDims = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`d${i}`, `v${i}`]));

describe('points EMF cannot carry are rejected with a reason, the rest are kept', () => {
  it.each<PointCase>([
    { name: 'NaN', point: point({ value: Number.NaN }), reason: 'not a finite number' },
    { name: 'Infinity', point: point({ value: Number.POSITIVE_INFINITY }), reason: 'not a finite number' },
    { name: '-Infinity', point: point({ value: Number.NEGATIVE_INFINITY }), reason: 'not a finite number' },
    { name: 'beyond 2^360', point: point({ value: 2 ** 361 }), reason: 'outside the CloudWatch range' },
    { name: 'below -2^360', point: point({ value: -(2 ** 361) }), reason: 'outside the CloudWatch range' },
    { name: 'exactly 2^360', point: point({ value: 2 ** 360 }), reason: null },
    { name: 'a negative value', point: point({ value: -3.5 }), reason: null },
    { name: 'a bad time', point: point({ time: 'yesterday' }), reason: 'not a valid ISO-8601 time' },
    { name: 'a 255-character name', point: point({ name: 'n'.repeat(255) }), reason: null },
    { name: 'a 256-character name', point: point({ name: 'n'.repeat(256) }), reason: 'must be 1 to 255' },
    { name: 'an empty name', point: point({ name: '' }), reason: 'must be 1 to 255' },
    { name: 'a blank name', point: point({ name: '  ' }), reason: 'other than whitespace' },
    { name: 'a name with a newline', point: point({ name: 'a\nb' }), reason: 'control characters' },
    { name: 'the name _aws', point: point({ name: '_aws' }), reason: 'reserved for EMF metadata' },
    {
      name: 'a name equal to a dimension',
      point: point({ name: 'target' }),
      reason: 'also one of its dimension',
    },
    { name: '30 dimensions', point: point({ dimensions: dims(manyDims(26)) }), reason: null },
    { name: '31 dimensions', point: point({ dimensions: dims(manyDims(27)) }), reason: 'at most 30' },
    {
      name: 'a 1024-character value',
      point: point({ dimensions: dims({ target: 'v'.repeat(1024) }) }),
      reason: null,
    },
    {
      name: 'a 1025-character value',
      point: point({ dimensions: dims({ target: 'v'.repeat(1025) }) }),
      reason: '1 to 1024 characters',
    },
    {
      name: 'an empty value',
      point: point({ dimensions: dims({ target: '' }) }),
      reason: '1 to 1024 characters',
    },
    {
      name: 'a blank value',
      point: point({ dimensions: dims({ target: ' ' }) }),
      reason: 'other than whitespace',
    },
    {
      name: 'a non-ASCII value',
      point: point({ dimensions: dims({ target: 'caf\u00e9' }) }),
      reason: 'ASCII',
    },
    {
      name: 'a 250-character key',
      point: point({ dimensions: dims({ ['k'.repeat(250)]: 'v' }) }),
      reason: null,
    },
    {
      name: 'a 251-character key',
      point: point({ dimensions: dims({ ['k'.repeat(251)]: 'v' }) }),
      reason: 'must be 1 to 250',
    },
    {
      name: 'a key starting with a colon',
      point: point({ dimensions: dims({ ':x': 'v' }) }),
      reason: 'colon',
    },
    {
      name: 'the key _aws',
      point: point({ dimensions: dims({ _aws: 'v' }) }),
      reason: 'reserved for EMF metadata',
    },
  ])('$name', ({ point: candidate, reason }) => {
    const good = point({ name: 'healops.check.duration_ms', value: 1, unit: 'ms' });
    const { documents, rejected } = build([good, candidate]);
    if (reason === null) {
      expect(rejected).toEqual([]);
      expect(documents.flatMap(metricNames)).toContain(candidate.name);
    } else {
      expect(rejected).toEqual([{ index: 1, reason: expect.stringContaining(reason) }]);
      expect(documents.flatMap(metricNames)).toEqual([good.name]);
    }
  });

  it('stays within the log event size at the limits: 100 long names, 30 long keys and 1024-character values', () => {
    const dimensions = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`${i}`.padStart(250, 'k'), 'v'.repeat(1024)]),
    );
    const points = Array.from({ length: 100 }, (_, i) =>
      point({ name: `${i}`.padStart(255, 'n'), value: -1.2345678901234e-300, dimensions }),
    );
    const { documents, rejected } = build(points, {
      dimensionSets: [Object.keys(dimensions).slice(0, 29), Object.keys(dimensions).slice(1)],
    });
    expect(rejected).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(documents[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toHaveLength(3);
  });
});
