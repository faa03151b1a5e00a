import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { buildEmfDocuments, type EmfSinkConfig, type MetricPoint, TransportError } from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { emfProblems } from '../../core/test/support/emf-validator.js';
import { EmfSink, SinkConfigError } from '../src/index.js';

const run = promisify(execFile);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'healops-emf-'));
  dirs.push(dir);
  return dir;
}

const SERIES = { package: 'linux-base', check: 'disk-root', target: 'web-1', environment: 'prod' };

function points(n: number, second = 0, target = 'web-1'): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
    name: `healops.perf.m${i}`,
    value: i,
    unit: 'ms',
    dimensions: { ...SERIES, target },
  }));
}

function one(overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    time: '2026-01-01T00:00:00.000Z',
    name: 'healops.perf.m0',
    value: 0,
    unit: 'ms',
    dimensions: SERIES,
    ...overrides,
  };
}

/** Every line of `text` as a parsed document, each checked against the EMF schema. */
function documentsIn(text: string): Array<Record<string, unknown>> {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const document: unknown = JSON.parse(line);
      expect(emfProblems(document)).toEqual([]);
      return document as Record<string, unknown>;
    });
}

describe('EmfSink writing to a file', () => {
  it('appends one EMF document per line to a file it creates with mode 0600, in a directory it creates', async () => {
    const path = join(tempDir(), 'logs', 'emf.log');
    const sink = new EmfSink({ type: 'emf', path });
    await sink.write(points(3));
    await sink.write(points(2, 1));
    await sink.flush();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const documents = documentsIn(readFileSync(path, 'utf8'));
    expect(documents).toEqual(buildEmfDocuments([...points(3), ...points(2, 1)]).documents);
    expect(sink.name).toBe('emf');
    expect(await sink.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('appends to an existing file without truncating it or changing its mode', async () => {
    const path = join(tempDir(), 'emf.log');
    writeFileSync(path, 'earlier line\n', { mode: 0o640 });
    await new EmfSink({ type: 'emf', path }).write(points(1));
    const [first, second, ...rest] = readFileSync(path, 'utf8').split('\n');
    expect(first).toBe('earlier line');
    expect(emfProblems(JSON.parse(second ?? ''))).toEqual([]);
    expect(rest).toEqual(['']);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('keeps lines whole when several sinks append to one file at once', async () => {
    const path = join(tempDir(), 'emf.log');
    const sinks = [new EmfSink({ type: 'emf', path }), new EmfSink({ type: 'emf', path })];
    // 40 series of 100 metrics: 40 documents of ~4 KB per write, several 64 KB write() calls each.
    const batch = (sink: number, round: number) =>
      Array.from({ length: 40 }, (_, s) => points(100, round, `s${sink}-${s}`)).flat();
    await Promise.all([0, 1, 2].flatMap((round) => sinks.map((sink, i) => sink.write(batch(i, round)))));
    const documents = documentsIn(readFileSync(path, 'utf8'));
    expect(documents).toHaveLength(2 * 3 * 40);
    expect(new Set(documents.map((d) => `${String(d.target)} ${JSON.stringify(d._aws)}`)).size).toBe(240);
  });

  it('uses the configured namespace and reports points EMF cannot carry, writing the rest', async () => {
    const path = join(tempDir(), 'emf.log');
    const problems: string[] = [];
    const sink = new EmfSink(
      { type: 'emf', path, namespace: 'Ops/HealOps' },
      { onProblem: (m) => problems.push(m) },
    );
    await sink.write([one({ name: 'healops.perf.nan', value: Number.NaN }), one()]);
    const [document] = documentsIn(readFileSync(path, 'utf8'));
    expect(document?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'Ops/HealOps' }] });
    expect(document).toHaveProperty(['healops.perf.m0'], 0);
    expect(document).not.toHaveProperty(['healops.perf.nan']);
    expect(problems).toEqual([
      expect.stringMatching(/^metrics sink emf: point 0 \(healops\.perf\.nan\).*finite/),
    ]);
    expect(await sink.health()).toEqual({ pending: 0, dropped: 1 });
    expect(await sink.health()).toEqual({ pending: 0, dropped: 0 });
  });

  it('as a BatchTransport returns refused points by index and fails retryably when the file cannot be written', async () => {
    const dir = tempDir();
    const sink = new EmfSink({ type: 'emf', path: dir }, { name: 'emf-file' });
    await expect(sink.send([one({ value: Number.POSITIVE_INFINITY })])).resolves.toEqual({
      rejected: [{ index: 0, reason: expect.stringContaining('finite') }],
    });
    const failure = await sink.send(points(1)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining(dir) });
    expect(sink.maxBatch).toBeGreaterThanOrEqual(100);
  });

  it('counts every point as dropped when the file cannot be written (nothing buffers EMF lines)', async () => {
    const dir = tempDir();
    const sink = new EmfSink({ type: 'emf', path: dir });
    await expect(sink.write(points(4))).rejects.toBeInstanceOf(TransportError);
    expect(await sink.health()).toEqual({ pending: 0, dropped: 4 });
  });

  it('writes nothing when the signal is already aborted', async () => {
    const path = join(tempDir(), 'emf.log');
    const sink = new EmfSink({ type: 'emf', path });
    const failure = await sink.send(points(1), AbortSignal.abort()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ retryable: true });
    expect(() => statSync(path)).toThrow();
  });

  it('refuses an unusable namespace or dimension set when it is built', () => {
    expect(() => new EmfSink({ type: 'emf', namespace: 'AWS/Lambda' })).toThrow(SinkConfigError);
    expect(() => new EmfSink({ type: 'emf' }, { dimensionSets: [['package', 'package']] })).toThrow(
      SinkConfigError,
    );
  });
});

describe('EmfSink writing to stdout', () => {
  it('writes to the stream it is given when there is no path', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sink = new EmfSink({ type: 'emf' }, { stdout: stream });
    await sink.write([...points(2), ...points(1, 0, 'web-2')]);
    expect(sink.path).toBeUndefined();
    expect(documentsIn(Buffer.concat(chunks).toString('utf8')).map((d) => d.target)).toEqual([
      'web-1',
      'web-2',
    ]);
  });

  it('writes to the real stdout of the process by default', async () => {
    const fixture = join(import.meta.dirname, 'support', 'emf-to-stdout.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(points(3))], {
      cwd: join(import.meta.dirname, '..'),
    });
    const documents = documentsIn(stdout);
    expect(documents).toHaveLength(1);
    expect(documents[0]?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'HealOpsTest' }] });
    expect(documents[0]).toMatchObject({ 'healops.perf.m0': 0, 'healops.perf.m2': 2 });
  });

  it('fails retryably when the stream fails', async () => {
    const stream = new PassThrough();
    stream.destroy();
    const failure = await new EmfSink({ type: 'emf' }, { stdout: stream })
      .send(points(1))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining('stdout') });
  });
});

describe('EmfSink dimensions', () => {
  const result: MetricPoint[] = [
    one({ name: 'healops.check.status', value: 2, unit: '' }),
    one({ name: 'healops.check.duration_ms', value: 41 }),
    one({ name: 'healops.perf.used', value: 87, unit: '%' }),
  ];

  async function written(dimensions?: EmfSinkConfig['dimensions']) {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sink = new EmfSink(
      { type: 'emf', ...(dimensions !== undefined ? { dimensions } : {}) },
      { stdout: stream },
    );
    await sink.write(result);
    return documentsIn(Buffer.concat(chunks).toString('utf8'));
  }

  it('keeps full, the output from before the option, when the config names none', async () => {
    const documents = await written();
    expect(documents).toEqual(buildEmfDocuments(result).documents);
    expect(documents).toEqual(buildEmfDocuments(result, { dimensions: 'full' }).documents);
  });

  it('writes lean as one line per result with a directive per distinct list of sets', async () => {
    const documents = await written('lean');
    expect(documents).toEqual(buildEmfDocuments(result, { dimensions: 'lean' }).documents);
    expect(documents).toHaveLength(1);
    expect(documents[0]?._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Dimensions: [
            ['package', 'check', 'target', 'environment'],
            ['package', 'environment'],
          ],
        },
        { Dimensions: [['package', 'check', 'environment']] },
      ],
    });
    expect(documents[0]).toMatchObject({ target: 'web-1', 'healops.perf.used': 87 });
  });

  it('refuses unusable sets per family when it is built, naming the sink and the set', () => {
    const build = () =>
      new EmfSink({ type: 'emf', dimensions: { perfdata: [['package', ':x']] } }, { name: 'emf-file' });
    expect(build).toThrow(SinkConfigError);
    expect(build).toThrow(
      'metrics sink emf-file: dimensions.perfdata[0] ["package",":x"]: dimension name ":x" must not start with a colon',
    );
  });
});
