import { buildEmfDocuments, ConfigError, type EmfDocument, METRIC, type MetricPoint } from '@healops/core';
import { describe, expect, it } from 'vitest';
import { emfProblems } from '../../core/test/support/emf-validator.js';
import { PowertoolsEmfSink } from '../src/index.js';
import { POWERTOOLS_EMF_DEFAULT_DIMENSIONS } from '../src/powertools-emf-sink.js';
import { useEmfStdout } from './support/emf-stdout.js';

// The `dimensions` option of the Lambda EMF sink (default lean). Powertools writes to process.stdout only, so the
// EMF lines are captured from it, by support/emf-stdout.ts, and validated against the EMF schema.

type Document = Record<string, unknown>;

const emf = useEmfStdout();

function published(): Document[] {
  return emf.take().map((text) => {
    const document: unknown = JSON.parse(text);
    expect(emfProblems(document)).toEqual([]);
    const { service: _service, ...rest } = document as Document;
    return rest;
  });
}

/** What one Powertools publish per directive of a core document writes: the directive, every dimension, its values. */
function perDirective(document: EmfDocument): Document[] {
  const dimensions = Object.entries(document).filter(([, value]) => typeof value === 'string');
  return document._aws.CloudWatchMetrics.map((directive) => ({
    _aws: { Timestamp: document._aws.Timestamp, CloudWatchMetrics: [directive] },
    ...Object.fromEntries(dimensions),
    ...Object.fromEntries(directive.Metrics.map((m) => [m.Name, document[m.Name]])),
  }));
}

const TIME = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const SERIES = { package: 'linux-base', check: 'disk-root', target: 'web-1', environment: 'prod' };
const point = (name: string, value: number, dimensions: Record<string, string> = SERIES): MetricPoint => ({
  time: TIME,
  name,
  value,
  unit: '',
  dimensions,
});
const RESULT = [
  point(METRIC.checkStatus, 2),
  point(METRIC.checkDuration, 41),
  point('healops.perf.used', 87),
];

describe('PowertoolsEmfSink dimensions', () => {
  it('defaults to lean: status per target, duration and perfdata per check, target kept as a plain member', async () => {
    expect(POWERTOOLS_EMF_DEFAULT_DIMENSIONS).toBe('lean');
    const problems: string[] = [];
    const emf = new PowertoolsEmfSink(
      {},
      { serviceName: 'healops-test', onProblem: (m) => problems.push(m) },
    );
    await emf.write(RESULT);
    await emf.flush();
    const documents = published();
    expect(documents).toEqual(
      buildEmfDocuments(RESULT, { dimensions: 'lean' }).documents.flatMap(perDirective),
    );
    expect(documents).toEqual([
      {
        _aws: {
          Timestamp: Date.parse(TIME),
          CloudWatchMetrics: [
            {
              Namespace: 'HealOps',
              Dimensions: [
                ['package', 'check', 'target', 'environment'],
                ['package', 'environment'],
              ],
              Metrics: [{ Name: METRIC.checkStatus, Unit: 'None' }],
            },
          ],
        },
        ...SERIES,
        [METRIC.checkStatus]: 2,
      },
      {
        _aws: {
          Timestamp: Date.parse(TIME),
          CloudWatchMetrics: [
            {
              Namespace: 'HealOps',
              Dimensions: [['package', 'check', 'environment']],
              Metrics: [
                { Name: METRIC.checkDuration, Unit: 'None' },
                { Name: 'healops.perf.used', Unit: 'None' },
              ],
            },
          ],
        },
        ...SERIES,
        [METRIC.checkDuration]: 41,
        'healops.perf.used': 87,
      },
    ]);
    expect(problems).toEqual([]);
    expect(await emf.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('takes sets per family from the config; a point with the keys of none of them keeps its own', async () => {
    const emf = new PowertoolsEmfSink(
      { dimensions: { default: [['package', 'environment']], status: 'full' } },
      { serviceName: 'healops-test' },
    );
    const heartbeat = point(METRIC.heartbeat, 1, { runner: 'aws' });
    await emf.write([...RESULT, heartbeat]);
    await emf.flush();
    const documents = published();
    const setsOf = (name: string) => {
      const aws = documents.find((d) => name in d)?._aws as EmfDocument['_aws'] | undefined;
      return aws?.CloudWatchMetrics[0]?.Dimensions;
    };
    expect(setsOf(METRIC.checkStatus)).toEqual([
      ['package', 'check', 'target', 'environment'],
      ['package', 'environment'],
    ]);
    expect(setsOf(METRIC.checkDuration)).toEqual([['package', 'environment']]);
    expect(setsOf(METRIC.heartbeat)).toEqual([['runner']]);
    expect(documents.find((d) => METRIC.checkDuration in d)).toMatchObject({
      check: 'disk-root',
      target: 'web-1',
    });
  });

  it('refuses unusable dimension sets with a ConfigError naming the sink and the set', () => {
    const build = () =>
      new PowertoolsEmfSink({ dimensions: { status: [['package', 'package']] } }, { name: 'cw' });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(
      'metrics sink cw: dimensions.status[0] ["package","package"] names a dimension twice',
    );
  });
});
