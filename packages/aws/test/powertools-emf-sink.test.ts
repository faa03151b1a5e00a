import {
  buildEmfDocuments,
  ConfigError,
  cloudWatchUnit,
  type EmfDocument,
  METRIC,
  type MetricPoint,
  UOMS,
} from '@healops/core';
import { describe, expect, it, vi } from 'vitest';
import { emfProblems } from '../../core/test/support/emf-validator.js';
import { POWERTOOLS_EMF_LIMITS, PowertoolsEmfSink, type PowertoolsEmfSinkOptions } from '../src/index.js';
import { useEmfStdout } from './support/emf-stdout.js';

// Powertools Metrics writes EMF to process.stdout only: support/emf-stdout.ts captures the lines. Every captured
// document is validated against the EMF schema in packages/core/test/support.

type Document = Record<string, unknown>;

const emf = useEmfStdout();

/** Every EMF line Powertools wrote since the last call, parsed and checked against the EMF schema. */
function published(): Document[] {
  const documents = emf.take().map((text) => {
    expect(text.endsWith('\n')).toBe(true);
    const document: unknown = JSON.parse(text);
    expect(emfProblems(document)).toEqual([]);
    return document as Document;
  });
  return documents;
}

const SECOND = 1000;
/** Recent whole seconds: CloudWatch (and Powertools' check) only take timestamps from the last 14 days. */
const BASE = Math.floor(Date.now() / SECOND) * SECOND - 60 * SECOND;
const at = (offsetSeconds: number): string => new Date(BASE + offsetSeconds * SECOND).toISOString();

const SERIES = { package: 'linux-base', check: 'disk-root', target: 'web-1', environment: 'prod' };

function point(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return { time: at(0), name: METRIC.checkStatus, value: 0, unit: '', dimensions: SERIES, ...overrides };
}

/** `dimensions: full` (every point with its own complete set), so documents equal core's default ones; the Lambda
 * default `lean` is tested in powertools-emf-dimensions.test.ts. */
function sink(options: PowertoolsEmfSinkOptions = {}, problems: string[] = []): PowertoolsEmfSink {
  return new PowertoolsEmfSink(
    { dimensions: 'full' },
    { serviceName: 'healops-test', onProblem: (m) => problems.push(m), ...options },
  );
}

function withoutService(document: Document): Document {
  const { service: _service, ...rest } = document;
  return rest;
}

function metricsOf(document: Document): Array<{ Name: string; Unit: string }> {
  const aws = document._aws as EmfDocument['_aws'];
  return aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => ({ Name: m.Name, Unit: m.Unit })));
}

function dimensionSetsOf(document: Document): string[][] {
  const aws = document._aws as EmfDocument['_aws'];
  return aws.CloudWatchMetrics.flatMap((d) => d.Dimensions.map((set) => [...set]));
}

const CYCLE: MetricPoint[] = [
  point({ name: METRIC.checkStatus, value: 2 }),
  point({ name: METRIC.checkDuration, value: 41.5, unit: 'ms' }),
  point({ name: 'healops.perf.C:_Used', value: 87, unit: '%' }),
  point({ name: METRIC.checkStatus, value: 0, dimensions: { ...SERIES, target: 'web-2' } }),
  point({ name: METRIC.checkStatus, value: 0, time: at(30) }),
  point({ name: METRIC.repair, value: 1, time: at(30) }),
  point({ name: METRIC.escalation, value: 1, unit: 'c', dimensions: { ...SERIES, severity: 'critical' } }),
];

describe('PowertoolsEmfSink publishing through Powertools Metrics', () => {
  it('publishes the documents core buildEmfDocuments builds, plus the service name as a plain member', async () => {
    const problems: string[] = [];
    const emf = sink({}, problems);
    await emf.write(CYCLE.slice(0, 4));
    await emf.write(CYCLE.slice(4));
    await emf.flush();
    const documents = published();
    const core = buildEmfDocuments(CYCLE).documents;
    expect(documents.map(withoutService)).toEqual(core);
    expect(documents.map((d) => d.service)).toEqual(core.map(() => 'healops-test'));
    expect(problems).toEqual([]);
    expect(await emf.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('writes one document per timestamp and dimension values, with that timestamp, namespace, units and sets', async () => {
    const emf = sink();
    await emf.write(CYCLE);
    await emf.flush();
    const documents = published();
    expect(documents).toHaveLength(4);
    const first = documents.find(
      (d) => d.target === 'web-1' && d.severity === undefined && METRIC.checkDuration in d,
    );
    expect(first).toMatchObject({
      _aws: {
        Timestamp: BASE,
        CloudWatchMetrics: [
          {
            Namespace: 'HealOps',
            Dimensions: [
              ['package', 'check', 'target', 'environment'],
              ['package', 'environment'],
            ],
            Metrics: [
              { Name: METRIC.checkStatus, Unit: 'None' },
              { Name: METRIC.checkDuration, Unit: 'Milliseconds' },
              { Name: 'healops.perf.C:_Used', Unit: 'Percent' },
            ],
          },
        ],
      },
      ...SERIES,
      [METRIC.checkStatus]: 2,
      [METRIC.checkDuration]: 41.5,
      'healops.perf.C:_Used': 87,
    });
    const later = documents.find((d) => METRIC.repair in d);
    expect(later).toMatchObject({
      _aws: { Timestamp: BASE + 30 * SECOND },
      [METRIC.checkStatus]: 0,
      [METRIC.repair]: 1,
      target: 'web-1',
    });
    const escalation = documents.find((d) => d.severity === 'critical');
    expect(escalation).toBeDefined();
    expect(dimensionSetsOf(escalation as Document)).toEqual([
      ['package', 'check', 'target', 'environment'],
      ['package', 'environment'],
      ['package', 'check', 'target', 'environment', 'severity'],
    ]);
    expect(metricsOf(escalation as Document)).toEqual([{ Name: METRIC.escalation, Unit: 'Count' }]);
  });

  it('maps every perfdata unit with core cloudWatchUnit()', async () => {
    const emf = sink();
    const points = UOMS.map((uom, i) => point({ name: `healops.perf.u${i}`, value: i, unit: uom }));
    await emf.write(points);
    await emf.flush();
    const [document, ...rest] = published();
    expect(rest).toEqual([]);
    expect(metricsOf(document as Document)).toEqual(
      UOMS.map((uom, i) => ({ Name: `healops.perf.u${i}`, Unit: cloudWatchUnit(uom) })),
    );
    expect(UOMS.map((_, i) => (document as Document)[`healops.perf.u${i}`])).toEqual(UOMS.map((_, i) => i));
  });

  it('splits a group of 250 metrics into documents of at most 100, each with the whole dimension set', async () => {
    const emf = sink();
    const points = Array.from({ length: 250 }, (_, i) =>
      point({ name: `healops.perf.m${i}`, value: i, unit: 'ms' }),
    );
    await emf.write(points);
    await emf.flush();
    const documents = published();
    expect(documents.map((d) => metricsOf(d).length)).toEqual([100, 100, 50]);
    for (const document of documents) {
      expect(document).toMatchObject(SERIES);
      expect((document._aws as EmfDocument['_aws']).Timestamp).toBe(BASE);
      expect(dimensionSetsOf(document)).toContainEqual(['package', 'check', 'target', 'environment']);
    }
    const values = new Map(documents.flatMap((d) => metricsOf(d).map((m) => [m.Name, d[m.Name]] as const)));
    expect(values.size).toBe(250);
    expect(points.every((p) => values.get(p.name) === p.value)).toBe(true);
    expect(documents.map(withoutService)).toEqual(buildEmfDocuments(points).documents);
  });

  it('publishes a metric that appears twice in a group as two single-value documents, never an array', async () => {
    const emf = sink();
    await emf.write([point({ value: 2 })]);
    await emf.write([point({ value: 0 })]);
    await emf.flush();
    const documents = published();
    expect(documents.map((d) => d[METRIC.checkStatus])).toEqual([2, 0]);
  });

  it('keeps written points until flush() and reports them as pending', async () => {
    const emf = sink();
    await emf.write(CYCLE);
    expect(published()).toEqual([]);
    expect(await emf.health()).toEqual({ pending: CYCLE.length, dropped: 0 });
    await emf.flush();
    expect(published()).toHaveLength(4);
    expect(await emf.health()).toEqual({ pending: 0, dropped: 0 });
    await emf.flush();
    expect(published()).toEqual([]);
  });

  it(`publishes by itself once ${POWERTOOLS_EMF_LIMITS.pendingPoints} points wait`, async () => {
    const emf = sink();
    const points = Array.from({ length: POWERTOOLS_EMF_LIMITS.pendingPoints }, (_, i) =>
      point({ name: `healops.perf.m${i % 100}`, value: i, time: at(Math.floor(i / 100)) }),
    );
    await emf.write(points.slice(0, -1));
    expect(published()).toEqual([]);
    await emf.write(points.slice(-1));
    expect(published()).toHaveLength(100);
    expect(await emf.health()).toEqual({ pending: 0, dropped: 0 });
  });
});

describe('PowertoolsEmfSink refusing points', () => {
  const thirtyDimensions = Object.fromEntries([
    ...Object.entries(SERIES),
    ...Array.from({ length: 26 }, (_, i) => [`extra${String(i).padStart(2, '0')}`, 'x']),
  ]);

  it.each([
    [
      'a unit CloudWatch does not know',
      point({ unit: 'furlongs' }),
      'unit "furlongs" of healops.check.status has no CloudWatch equivalent',
    ],
    [
      'a value that is not finite',
      point({ value: Number.NaN }),
      'value NaN of healops.check.status is not a finite number',
    ],
    [
      'a dimension value that is not printable ASCII',
      point({ dimensions: { ...SERIES, target: 'wéb-1' } }),
      'dimension target must have a value of printable ASCII characters only',
    ],
    [
      '30 dimensions (EMF allows 30, Powertools 29)',
      point({ dimensions: thirtyDimensions }),
      'healops.check.status has 30 dimensions; Powertools Metrics publishes at most 29',
    ],
    [
      'a time more than 14 days old',
      point({ time: new Date(BASE - 15 * 24 * 3600 * SECOND).toISOString() }),
      'is more than 14 days old; CloudWatch would not record it',
    ],
    [
      'a time more than 2 hours ahead',
      point({ time: new Date(BASE + 3 * 3600 * SECOND).toISOString() }),
      'is more than 2 hours ahead; CloudWatch would not record it',
    ],
  ])('refuses %s, counts it as dropped, reports why and publishes the others', async (_, bad, reason) => {
    const problems: string[] = [];
    const emf = sink({}, problems);
    await emf.write([point({ name: METRIC.checkDuration, value: 5, unit: 'ms' }), bad]);
    await emf.flush();
    const documents = published();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ [METRIC.checkDuration]: 5 });
    expect(METRIC.checkStatus in (documents[0] as Document)).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      'metrics sink emf: point 1 (healops.check.status) cannot be published as EMF: ',
    );
    expect(problems[0]).toContain(reason);
    expect(await emf.health()).toEqual({ pending: 0, dropped: 1 });
    expect(await emf.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('takes 30 dimensions where core EMF does, so the 29-dimension limit above is Powertools’ own', () => {
    expect(buildEmfDocuments([point({ dimensions: thirtyDimensions })]).rejected).toEqual([]);
  });
});

describe('PowertoolsEmfSink configuration', () => {
  it('uses the namespace from the config', async () => {
    const emf = new PowertoolsEmfSink(
      { namespace: 'Ops/HealOps', dimensions: 'full' },
      { serviceName: 'checks' },
    );
    await emf.write([point()]);
    await emf.flush();
    const [document] = published();
    expect(document).toMatchObject({
      service: 'checks',
      _aws: { CloudWatchMetrics: [{ Namespace: 'Ops/HealOps' }] },
    });
    expect(withoutService(document as Document)).toEqual(
      buildEmfDocuments([point()], { namespace: 'Ops/HealOps' }).documents[0],
    );
  });

  it('names the service healops when neither the options nor POWERTOOLS_SERVICE_NAME do', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', '');
    try {
      const emf = new PowertoolsEmfSink();
      expect(emf.serviceName).toBe('healops');
      expect(emf.name).toBe('emf');
      expect(emf.namespace).toBe('HealOps');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('keeps a point’s own service dimension rather than overwriting it with the service name', async () => {
    const problems: string[] = [];
    const emf = sink({}, problems);
    const own = point({ dimensions: { ...SERIES, service: 'web' } });
    await emf.write([own]);
    await emf.flush();
    const [document] = published();
    expect(document).toEqual(buildEmfDocuments([own]).documents[0]);
    expect(document).toMatchObject({ service: 'web' });
    expect(problems).toEqual([]);
  });

  it('adds Powertools’ service dimension to every set when asked, and then refuses a point’s own service dimension', async () => {
    const problems: string[] = [];
    const emf = sink({ serviceDimension: true }, problems);
    await emf.write([point(), point({ dimensions: { ...SERIES, service: 'web' } })]);
    await emf.flush();
    const [document, ...rest] = published();
    expect(rest).toEqual([]);
    expect(document).toMatchObject({ ...SERIES, service: 'healops-test', [METRIC.checkStatus]: 0 });
    expect(dimensionSetsOf(document as Document)).toEqual([
      ['service', 'package', 'check', 'target', 'environment'],
      ['service', 'package', 'environment'],
    ]);
    expect(problems).toEqual([
      'metrics sink emf: point 1 (healops.check.status) cannot be published as EMF: dimension service is the Powertools service dimension (serviceDimension is on)',
    ]);
  });

  it.each([
    [{ namespace: 'AWS/Lambda' }, {}, 'metrics sink emf: namespace "AWS/Lambda" must not start with AWS/'],
    [
      {},
      { name: 'cw', dimensionSets: [['package', 'package']] },
      'metrics sink cw: EMF dimension set ["package","package"] names a dimension twice',
    ],
  ])(
    'refuses an unusable configuration with a ConfigError naming the sink (%o %o)',
    (config, options, message) => {
      const build = () => new PowertoolsEmfSink(config, options);
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(message);
    },
  );
});
