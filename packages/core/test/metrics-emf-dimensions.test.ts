import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { parseConfig } from '../src/manifest/parse-manifest.js';
import {
  buildEmfDocuments,
  EMF_LEAN_DIMENSIONS,
  type EmfDimensions,
  type EmfDocument,
  emfDimensionPlan,
} from '../src/metrics/emf-document.js';
import { METRIC, METRIC_FAMILIES, metricFamily } from '../src/metrics/names.js';
import type { MetricPoint } from '../src/model/results.js';
import { emfProblems } from './support/emf-validator.js';

const T0 = '2026-01-01T00:00:00.000Z';
const SERIES = { package: 'linux-base', check: 'disk-root', target: 'web-1', environment: 'prod' };
const PER_TARGET = ['package', 'check', 'target', 'environment'];
const PER_PACKAGE = ['package', 'environment'];
const PER_CHECK = ['package', 'check', 'environment'];

function point(name: string, dimensions: Record<string, string> = SERIES, value = 1): MetricPoint {
  return { time: T0, name, value, unit: '', dimensions };
}

function build(points: readonly MetricPoint[], dimensions?: EmfDimensions): EmfDocument[] {
  const { documents, rejected } = buildEmfDocuments(points, dimensions === undefined ? {} : { dimensions });
  expect(rejected).toEqual([]);
  for (const document of documents) expect(emfProblems(JSON.parse(JSON.stringify(document)))).toEqual([]);
  return documents;
}

/** The dimension sets metric `name` got, from the directive that lists it. */
function setsOf(documents: readonly EmfDocument[], name: string): string[][] | undefined {
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      if (directive.Metrics.some((m) => m.Name === name)) return directive.Dimensions.map((set) => [...set]);
    }
  }
  return undefined;
}

/** Distinct CloudWatch metrics: one per (namespace, name, dimension set with its values), as CloudWatch bills. */
function cloudWatchMetrics(documents: readonly EmfDocument[]): number {
  const metrics = new Set<string>();
  for (const document of documents) {
    for (const { Namespace, Dimensions, Metrics } of document._aws.CloudWatchMetrics) {
      for (const set of Dimensions) {
        const values = JSON.stringify(set.map((key) => [key, document[key]]));
        for (const { Name } of Metrics) metrics.add(`${Namespace}|${Name}|${values}`);
      }
    }
  }
  return metrics.size;
}

describe('metric families', () => {
  it.each([
    [METRIC.checkStatus, 'status'],
    [METRIC.checkDuration, 'duration'],
    ['healops.perf.C:_Used', 'perfdata'],
    [METRIC.repair, 'repair'],
    [METRIC.repairDuration, 'repair'],
    [METRIC.escalation, 'escalation'],
    [METRIC.heartbeat, 'heartbeat'],
    [METRIC.sinkPending, 'sink'],
    [METRIC.sinkDropped, 'sink'],
    [METRIC.ticketsPending, 'tickets'],
    [METRIC.ticketsDead, 'tickets'],
    ['load1', undefined],
    ['toString', undefined],
  ])('%s is in family %s', (name, family) => {
    expect(metricFamily(name)).toBe(family);
  });

  it('lists every family a metric name maps to', () => {
    const mapped = new Set(Object.values(METRIC).map(metricFamily));
    expect([...mapped].sort()).toEqual([...METRIC_FAMILIES].sort());
  });
});

describe('lean dimensions', () => {
  const severity = { ...SERIES, severity: 'critical' };
  const lean = () =>
    build(
      [
        point(METRIC.checkStatus),
        point(METRIC.checkDuration),
        point('healops.perf.used'),
        point(METRIC.repair),
        point(METRIC.repairDuration),
        point(METRIC.escalation, severity),
        point(METRIC.heartbeat, { runner: 'aws' }),
        point(METRIC.sinkPending, { runner: 'aws', sink: 'emf' }),
        point(METRIC.ticketsDead, { runner: 'aws' }),
      ],
      'lean',
    );

  it('keeps target for status and escalations only, with the package-wide set for alarms', () => {
    const documents = lean();
    expect(setsOf(documents, METRIC.checkStatus)).toEqual([PER_TARGET, PER_PACKAGE]);
    expect(setsOf(documents, METRIC.escalation)).toEqual([PER_TARGET, PER_PACKAGE]);
    expect(setsOf(documents, METRIC.checkDuration)).toEqual([PER_CHECK]);
    expect(setsOf(documents, 'healops.perf.used')).toEqual([PER_CHECK]);
    expect(setsOf(documents, METRIC.repair)).toEqual([PER_CHECK, PER_PACKAGE]);
    expect(setsOf(documents, METRIC.repairDuration)).toEqual([PER_CHECK, PER_PACKAGE]);
    expect(EMF_LEAN_DIMENSIONS.default).toBe('full');
  });

  it('leaves the heartbeat and the sink and ticket gauges their own sets', () => {
    const documents = lean();
    expect(setsOf(documents, METRIC.heartbeat)).toEqual([['runner']]);
    expect(setsOf(documents, METRIC.sinkPending)).toEqual([['runner', 'sink']]);
    expect(setsOf(documents, METRIC.ticketsDead)).toEqual([['runner']]);
  });

  it('puts metrics with different sets in separate directives of one document, dropped dimensions as members', () => {
    const documents = lean();
    const [result] = documents;
    expect(result?._aws.CloudWatchMetrics.map((d) => d.Metrics.map((m) => m.Name))).toEqual([
      [METRIC.checkStatus],
      [METRIC.checkDuration, 'healops.perf.used'],
      [METRIC.repair, METRIC.repairDuration],
    ]);
    // target is in no set of the duration directive, yet stays in the line for Logs Insights.
    expect(result).toMatchObject({ ...SERIES, [METRIC.checkDuration]: 1, 'healops.perf.used': 1 });
    const escalation = documents.find((d) => METRIC.escalation in d);
    expect(escalation).toMatchObject({ severity: 'critical' });
    expect(escalation?._aws.CloudWatchMetrics.flatMap((d) => d.Dimensions).flat()).not.toContain('severity');
  });
});

describe('dimensions per family', () => {
  it('gives unlisted families the default, and full its base sets plus the point own set', () => {
    const documents = build(
      [
        point(METRIC.checkStatus),
        point(METRIC.escalation, { ...SERIES, severity: 'warning' }),
        point('load1'),
      ],
      { default: [PER_PACKAGE], escalation: 'full' },
    );
    expect(setsOf(documents, METRIC.checkStatus)).toEqual([PER_PACKAGE]);
    expect(setsOf(documents, 'load1')).toEqual([PER_PACKAGE]);
    expect(setsOf(documents, METRIC.escalation)).toEqual([
      PER_TARGET,
      PER_PACKAGE,
      [...PER_TARGET, 'severity'],
    ]);
  });

  it('uses only the sets a point has every key of, and the point own set when it has none of them', () => {
    const documents = build([point(METRIC.checkStatus), point(METRIC.heartbeat, { runner: 'cli' })], {
      default: [['package', 'region'], PER_PACKAGE, ['environment']],
    });
    expect(setsOf(documents, METRIC.checkStatus)).toEqual([PER_PACKAGE, ['environment']]);
    expect(setsOf(documents, METRIC.heartbeat)).toEqual([['runner']]);
  });

  it('takes an empty set: one metric per name across every dimension value', () => {
    const documents = build(
      [point(METRIC.checkDuration), point(METRIC.checkDuration, { ...SERIES, target: 'x' })],
      {
        duration: [[]],
      },
    );
    expect(setsOf(documents, METRIC.checkDuration)).toEqual([[]]);
    expect(cloudWatchMetrics(documents)).toBe(1);
  });

  it('still keeps at most 100 metrics per document, split over its directives', () => {
    const points = [
      point(METRIC.checkStatus),
      ...Array.from({ length: 120 }, (_, i) => point(`healops.perf.m${i}`, SERIES, i)),
    ];
    const documents = build(points, 'lean');
    expect(documents.map((d) => d._aws.CloudWatchMetrics.map((x) => x.Metrics.length))).toEqual([
      [1, 99],
      [21],
    ]);
  });
});

describe('CloudWatch metric count of a fleet', () => {
  // 100 targets x 10 checks, each run: status, duration and 3 perfdata labels (the same 3 in every check).
  const fleet: MetricPoint[] = [];
  for (let t = 0; t < 100; t++) {
    for (let c = 0; c < 10; c++) {
      const dimensions = { ...SERIES, check: `check-${c}`, target: `i-${t}` };
      fleet.push(point(METRIC.checkStatus, dimensions), point(METRIC.checkDuration, dimensions));
      for (const label of ['used', 'free', 'size']) fleet.push(point(`healops.perf.${label}`, dimensions));
    }
  }

  it('full: 5 per (check, target) plus 5 per package', () => {
    // 1,000 pairs x 5 names with (package, check, target, environment) + 5 names with (package, environment).
    expect(cloudWatchMetrics(build(fleet))).toBe(5_005);
    expect(cloudWatchMetrics(build(fleet, 'full'))).toBe(5_005);
  });

  it('lean: 1 per (check, target) plus a constant per check', () => {
    // 1,000 status per target + 1 status per package + 10 checks x (duration + 3 labels).
    expect(cloudWatchMetrics(build(fleet, 'lean'))).toBe(1_000 + 1 + 10 * 4);
  });

  it('no target at all: independent of the fleet size', () => {
    expect(cloudWatchMetrics(build(fleet, { default: [PER_CHECK] }))).toBe(10 * 5);
  });
});

describe('configuration errors', () => {
  function diagnostics(dimensions: string): string[] {
    const text = `packages: [x]\nmetrics:\n  - type: sqlite\n  - type: emf\n    dimensions: ${dimensions}\n`;
    return parseConfig(text, 'healops.config.yaml').diagnostics.map((d) => `${d.path}: ${d.message}`);
  }

  it.each([
    ['lean', []],
    ['full', []],
    ['{ default: [[package, environment]], status: full, perfdata: [[]] }', []],
    ['cheap', ['metrics[1].dimensions: expected full, lean or sets per family, got "cheap"']],
    [
      '{ status: [[package, ":x"]] }',
      [
        'metrics[1].dimensions.status[0][1]: ":x" is not a dimension name: 1 to 250 printable ASCII characters, not starting with a colon, not _aws',
      ],
    ],
    [
      '{ status: [[package, check, package]] }',
      ['metrics[1].dimensions.status[0][2]: "package" is already in this set'],
    ],
    [
      '{ perfdata: fulll }',
      ['metrics[1].dimensions.perfdata: expected full or a list of dimension sets, got "fulll"'],
    ],
    ['{ perfdata: [] }', ['metrics[1].dimensions.perfdata: must list at least 1 item']],
    ['{ duration: [package] }', ['metrics[1].dimensions.duration[0]: expected a list, got "package"']],
    ['{ stat: full }', ['metrics[1].dimensions.stat: unknown field "stat" (did you mean "status"?)']],
  ])('dimensions: %s', (dimensions, expected) => {
    expect(diagnostics(dimensions)).toEqual(expected);
  });

  it.each<[string, EmfDimensions, string]>([
    [
      'a set naming a key twice',
      { status: [['package', 'package']] },
      'dimensions.status[0] ["package","package"] names',
    ],
    ['an empty list of sets', { perfdata: [] }, 'dimensions.perfdata must list at least one dimension set'],
    [
      'an unknown family',
      { statuses: 'full' } as EmfDimensions,
      'dimensions.statuses: unknown metric family',
    ],
    ['a preset it does not know', 'cheap' as EmfDimensions, 'must be full, lean or sets per family'],
  ])('the plan refuses %s with a ConfigError naming the field', (_, dimensions, message) => {
    expect(() => emfDimensionPlan(dimensions)).toThrow(ConfigError);
    expect(() => emfDimensionPlan(dimensions)).toThrow(message);
  });
});
