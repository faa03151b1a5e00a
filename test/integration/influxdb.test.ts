import { randomUUID } from 'node:crypto';
import { type MetricPoint, TransportError } from '@healops/core';
import { InfluxTransport } from '@healops/sinks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSeries, normalize, recentTimes, type Series } from '../support/tsdb-series.js';
import { type InfluxDb, type InfluxQueryResult, startInfluxDb } from '../support/tsdb-servers.js';

// A real InfluxDB 1.x (Debian package influxdb) on loopback receives points through InfluxTransport on /write;
// every test reads them back with InfluxQL through /query (epoch=ms) and compares measurements, tags, values and
// millisecond timestamps exactly. Without the package every test fails with a message naming it.

const DB = 'healops';
let influx: InfluxDb | undefined;
let setupError: unknown;

beforeAll(async () => {
  try {
    influx = await startInfluxDb();
    await influx.query(`CREATE DATABASE "${DB}"`);
  } catch (error) {
    setupError = error;
  }
});

afterAll(async () => {
  await influx?.stop();
});

function server(): InfluxDb {
  if (setupError !== undefined) throw setupError;
  if (influx === undefined) throw new Error('InfluxDB did not start');
  return influx;
}

function environment(): string {
  return `it-${randomUUID().slice(0, 8)}`;
}

function point(env: string, time: string, overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    time,
    name: 'healops.check.status',
    value: 0,
    unit: '',
    dimensions: { package: 'web', check: 'http', target: 'srv-1', environment: env },
    ...overrides,
  };
}

function checkResults(env: string): MetricPoint[] {
  return recentTimes(3).flatMap((time, run) => [
    point(env, time, { value: run === 1 ? 2 : 0 }),
    point(env, time, { name: 'healops.check.duration_ms', value: 41.25 + run, unit: 'ms' }),
    point(env, time, { name: 'healops.perf.C:_Used', value: 87.5 - run, unit: '%' }),
    point(env, time, {
      name: 'healops.repair',
      value: 1,
      dimensions: { package: 'web', check: 'http', target: 'srv-2', environment: env },
    }),
  ]);
}

/** InfluxQL identifier: double quotes, with `"` and `\` escaped. */
function ident(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/** InfluxQL string literal: single quotes, with `'` and `\` escaped. */
function literal(text: string): string {
  return `'${text.replace(/['\\]/g, '\\$&')}'`;
}

/** Every point of `env` in the measurements of `points`, as series of (measurement + non-null tags). */
async function read(env: string, points: readonly MetricPoint[]): Promise<Series[]> {
  const series: Series[] = [];
  for (const measurement of new Set(points.map((p) => p.name))) {
    const result = await server().query(
      `SELECT * FROM ${ident(measurement)} WHERE "environment" = ${literal(env)}`,
      { db: DB, epoch: 'ms' },
    );
    series.push(...rowsToSeries(result));
  }
  return normalize(merge(series));
}

function rowsToSeries(result: InfluxQueryResult): Series[] {
  return (result.results[0]?.series ?? []).flatMap((s) =>
    s.values.map((row) => {
      const labels: Record<string, string> = { measurement: s.name };
      let time = Number.NaN;
      let value = Number.NaN;
      s.columns.forEach((column, i) => {
        const cell = row[i];
        if (column === 'time') time = Number(cell);
        else if (column === 'value') value = Number(cell);
        else if (cell !== null && cell !== undefined) labels[column] = String(cell);
      });
      return { labels, samples: [[time, value]] as Array<[number, number]> };
    }),
  );
}

function merge(rows: readonly Series[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const row of rows) {
    const key = JSON.stringify(Object.entries(row.labels).sort());
    const series = byKey.get(key) ?? { labels: row.labels, samples: [] };
    series.samples.push(...row.samples);
    byKey.set(key, series);
  }
  return [...byKey.values()];
}

function influxLabels(p: MetricPoint): Record<string, string> {
  return { measurement: p.name, ...p.dimensions, ...(p.unit === '' ? {} : { unit: p.unit }) };
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('InfluxDB 1.x receiving line protocol', () => {
  it.each([{ gzip: false }, { gzip: true }])(
    'gzip $gzip: every point reads back with its measurement, tags, value and ms timestamp',
    async ({ gzip }) => {
      const env = environment();
      const points = checkResults(env);
      const transport = new InfluxTransport({ url: `${server().url}/write?db=${DB}`, gzip });
      await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
      const expected = expectedSeries(points, influxLabels);
      expect(expected).toHaveLength(4);
      expect(await read(env, points)).toEqual(expected);
    },
  );

  it('nasty names and tag values round-trip (newlines folded, trailing backslash dropped)', async () => {
    const env = environment();
    const [t1, t2, t3] = recentTimes(3) as [string, string, string];
    const nasty: Array<[MetricPoint, Record<string, string>]> = [
      [
        point(env, t1, {
          dimensions: { environment: env, target: 'srv 1, "eu"=west', 'zone name': 'a=b,c' },
        }),
        { target: 'srv 1, "eu"=west', 'zone name': 'a=b,c' },
      ],
      [
        point(env, t2, { dimensions: { environment: env, target: "ünïcødé 日本 🚀 it's\ttab" }, unit: '%' }),
        { target: "ünïcødé 日本 🚀 it's\ttab", unit: '%' },
      ],
      [
        point(env, t3, {
          name: 'healops.perf.disk used, %',
          value: -1.5e-7,
          dimensions: {
            environment: env,
            target: 'C:\\Program Files\\App',
            note: 'two\nlines',
            drive: 'D:\\',
            unc: '\\\\server\\share',
          },
        }),
        // InfluxDB keeps backslashes as written, a double one included.
        { target: 'C:\\Program Files\\App', note: 'two lines', drive: 'D:', unc: '\\\\server\\share' },
      ],
    ];
    const points = nasty.map(([p]) => p);
    const transport = new InfluxTransport({ url: `${server().url}/write?db=${DB}` });
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    const expected = expectedSeries(points, (p) => ({
      measurement: p.name,
      environment: env,
      ...(nasty.find(([q]) => q === p)?.[1] ?? {}),
    }));
    expect(await read(env, points)).toEqual(expected);
  });

  it('a batch sent twice (a retry after a timeout) is stored once: same series and time overwrite', async () => {
    const env = environment();
    const points = checkResults(env);
    const transport = new InfluxTransport({ url: `${server().url}/write?db=${DB}` });
    await transport.send(points);
    await transport.send(points);
    expect(await read(env, points)).toEqual(expectedSeries(points, influxLabels));
  });

  it('a field type conflict rejects only the points of that measurement; the others are stored', async () => {
    const env = environment();
    const [t0, t1] = recentTimes(2) as [string, string];
    const taken = `healops.perf.int_${env}`;
    // Another writer made `value` an integer field in this measurement.
    const seeded = await fetch(`${server().url}/write?db=${DB}&precision=ms`, {
      method: 'POST',
      body: `${taken},environment=${env} value=1i ${Date.parse(t0)}\n`,
    });
    expect(seeded.status).toBe(204);
    const points = [
      point(env, t1, { value: 2 }),
      point(env, t1, { name: taken, value: 2.5 }),
      point(env, t1, { name: 'healops.check.duration_ms', value: 12, unit: 'ms' }),
      point(env, t1, { name: taken, value: 3.5, dimensions: { environment: env, target: 'other' } }),
    ];
    const result = await new InfluxTransport({ url: `${server().url}/write?db=${DB}` }).send(points);
    expect(result.rejected).toEqual([
      { index: 1, reason: expect.stringMatching(/^store refused the point: field type conflict: .*integer/) },
      { index: 3, reason: expect.stringMatching(/field type conflict/) },
    ]);
    const stored = [points[0], points[2]] as MetricPoint[];
    expect(await read(env, stored)).toEqual(expectedSeries(stored, influxLabels));
  });

  it('a database that does not exist → TransportError that keeps the points, naming the URL to check', async () => {
    const transport = new InfluxTransport({ url: `${server().url}/write?db=missing_db` });
    const error = await failure(transport.send([point(environment(), recentTimes(1)[0] as string)]));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/HTTP 404 .*check the URL.*database not found: "missing_db"/);
  });

  it('a store that is down → TransportError, retryable', async () => {
    const down = await startInfluxDb();
    await down.stop();
    const error = await failure(
      new InfluxTransport({ url: `${down.url}/write?db=${DB}` }).send([
        point(environment(), recentTimes(1)[0] as string),
      ]),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('InfluxDB 1.x with authentication', () => {
  const auth = { username: 'healops', password: "s3cret 'pw'" };
  let secured: InfluxDb | undefined;
  let securedError: unknown;

  beforeAll(async () => {
    try {
      secured = await startInfluxDb({ auth });
      await secured.query(`CREATE DATABASE "${DB}"`);
    } catch (error) {
      securedError = error;
    }
  });
  afterAll(async () => {
    await secured?.stop();
  });

  function store(): InfluxDb {
    if (securedError !== undefined) throw securedError;
    if (secured === undefined) throw new Error('InfluxDB (auth) did not start');
    return secured;
  }

  it('Basic auth with the right credentials stores the points', async () => {
    const env = environment();
    const points = checkResults(env).slice(0, 4);
    const transport = new InfluxTransport({ url: `${store().url}/write?db=${DB}`, ...auth });
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    const result = await store().query(
      `SELECT "value" FROM "healops.check.status" WHERE "environment" = ${literal(env)}`,
      { db: DB, epoch: 'ms' },
    );
    expect(result.results[0]?.series?.[0]?.values).toEqual([[Date.parse(points[0]?.time ?? ''), 0]]);
  });

  it('credentials in the URL work as Basic auth', async () => {
    const url = store().url.replace(
      'http://',
      `http://${auth.username}:${encodeURIComponent(auth.password)}@`,
    );
    const transport = new InfluxTransport({ url: `${url}/write?db=${DB}` });
    await expect(transport.send([point(environment(), recentTimes(1)[0] as string)])).resolves.toEqual({
      rejected: [],
    });
  });

  it('wrong or missing credentials → TransportError that keeps the points, no secret in the message', async () => {
    for (const credentials of [{ username: 'healops', password: 'wrong-pw' }, {}]) {
      const transport = new InfluxTransport({ url: `${store().url}/write?db=${DB}`, ...credentials });
      const error = await failure(transport.send([point(environment(), recentTimes(1)[0] as string)]));
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/HTTP 401 .*credentials/);
      expect(error.message).not.toContain('wrong-pw');
    }
  });
});
