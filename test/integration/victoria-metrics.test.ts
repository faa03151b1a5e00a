import { randomUUID } from 'node:crypto';
import { type MetricPoint, TransportError } from '@healops/core';
import { InfluxTransport, OpenTsdbTransport } from '@healops/sinks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSeries, readUntil, recentTimes, type Series } from '../support/tsdb-series.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/tsdb-servers.js';

// A real VictoriaMetrics (Debian package victoria-metrics) on loopback receives points through InfluxTransport
// (line protocol on /write and /api/v2/write) and OpenTsdbTransport (/api/put on the OpenTSDB HTTP listener);
// every test reads the series back through VictoriaMetrics' own /api/v1/export and compares names, labels, values
// and millisecond timestamps exactly. Without the package every test fails with a message naming it.

let vm: VictoriaMetrics | undefined;
let setupError: unknown;

beforeAll(async () => {
  try {
    vm = await startVictoriaMetrics();
  } catch (error) {
    setupError = error;
  }
});

afterAll(async () => {
  await vm?.stop();
});

function server(): VictoriaMetrics {
  if (setupError !== undefined) throw setupError;
  if (vm === undefined) throw new Error('VictoriaMetrics did not start');
  return vm;
}

/** Each test writes under its own environment, so tests sharing the server never see each other's points. */
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

/** A check result as the engine emits it: status, duration, perfdata (with units), over several runs. */
function checkResults(env: string): MetricPoint[] {
  const times = recentTimes(3);
  return times.flatMap((time, run) => [
    point(env, time, { value: run === 1 ? 2 : 0 }),
    point(env, time, { name: 'healops.check.duration_ms', value: 41.25 + run, unit: 'ms' }),
    point(env, time, { name: 'healops.perf.rta', value: 0.046 * (run + 1), unit: 'ms' }),
    point(env, time, { name: 'healops.perf.C:_Used', value: 87.5, unit: '%' }),
    point(env, time, {
      name: 'healops.repair',
      value: 1,
      dimensions: { package: 'web', check: 'http', target: 'srv-2', environment: env },
    }),
  ]);
}

/** All series of one environment, from /api/v1/export (JSON lines, raw samples). */
async function exported(env: string): Promise<Series[]> {
  const store = server();
  await store.flush();
  const query = new URLSearchParams({ 'match[]': `{environment="${env}"}` });
  const response = await fetch(`${store.url}/api/v1/export?${query}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`export: HTTP ${response.status} ${text}`);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const row = JSON.parse(l) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
      return {
        labels: row.metric,
        samples: row.timestamps.map((t, i): [number, number] => [t, row.values[i] ?? Number.NaN]),
      };
    });
}

/** VictoriaMetrics names a line-protocol series `<measurement>_<field>` and keeps tags as labels. */
function influxLabels(p: MetricPoint): Record<string, string> {
  return {
    __name__: `${p.name}_value`,
    ...p.dimensions,
    ...(p.unit === '' ? {} : { unit: p.unit }),
  };
}

describe('VictoriaMetrics receiving Influx line protocol', () => {
  it.each([
    { path: '/write', gzip: false },
    { path: '/api/v2/write', gzip: false },
    { path: '/write', gzip: true },
  ])(
    '$path (gzip: $gzip): every point reads back with its name, labels, value and ms timestamp',
    async ({ path, gzip }) => {
      const env = environment();
      const points = checkResults(env);
      const transport = new InfluxTransport({ url: `${server().url}${path}`, gzip });
      await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
      const expected = expectedSeries(points, influxLabels);
      expect(expected).toHaveLength(5);
      expect(await readUntil(() => exported(env), points.length)).toEqual(expected);
    },
  );

  it('nasty tag values and names round-trip (newlines folded, trailing backslash dropped)', async () => {
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
          },
        }),
        { target: 'C:\\Program Files\\App', note: 'two lines', drive: 'D:' },
      ],
    ];
    const points = nasty.map(([p]) => p);
    await expect(new InfluxTransport({ url: `${server().url}/write` }).send(points)).resolves.toEqual({
      rejected: [],
    });
    const expected = expectedSeries(points, (p) => {
      const labels = nasty.find(([q]) => q === p)?.[1] ?? {};
      return { __name__: `${p.name}_value`, environment: env, ...labels };
    });
    expect(await readUntil(() => exported(env), points.length)).toEqual(expected);
  });

  it('a batch sent twice (a retry after a timeout) is stored once (-dedup.minScrapeInterval=1ms)', async () => {
    const env = environment();
    const points = checkResults(env);
    const transport = new InfluxTransport({ url: `${server().url}/write` });
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    expect(await readUntil(() => exported(env), points.length)).toEqual(expectedSeries(points, influxLabels));
  });
});

describe('VictoriaMetrics receiving OpenTSDB /api/put', () => {
  it('every point reads back with its name, tags, value and ms timestamp', async () => {
    const env = environment();
    const points = checkResults(env).filter((p) => !p.name.includes(':'));
    const transport = new OpenTsdbTransport({ url: server().opentsdbUrl });
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    const expected = expectedSeries(points, (p) => ({
      __name__: p.name,
      ...p.dimensions,
      ...(p.unit === '' ? {} : { unit: p.unit }),
    }));
    expect(await readUntil(() => exported(env), points.length)).toEqual(expected);
  });

  it('names and tags outside OpenTSDB characters arrive cleaned to _, unicode letters kept', async () => {
    const env = environment();
    const [t1, t2] = recentTimes(2) as [string, string];
    const points = [
      point(env, t1, {
        name: 'healops.perf.C:\\ Used',
        value: 12.75,
        unit: '%',
        dimensions: { environment: env, target: 'srv 1, "eu"=west', 'zone name': 'Zürich/日本' },
      }),
      point(env, t2, { value: 3, dimensions: { environment: env, target: 'rocket🚀', drive: 'D:\\' } }),
    ];
    await expect(new OpenTsdbTransport({ url: server().opentsdbUrl }).send(points)).resolves.toEqual({
      rejected: [],
    });
    expect(await readUntil(() => exported(env), 2)).toEqual([
      {
        labels: { __name__: 'healops.check.status', drive: 'D__', environment: env, target: 'rocket_' },
        samples: [[Date.parse(t2), 3]],
      },
      {
        labels: {
          __name__: 'healops.perf.C___Used',
          environment: env,
          target: 'srv_1___eu__west',
          unit: '_',
          zone_name: 'Zürich/日本',
        },
        samples: [[Date.parse(t1), 12.75]],
      },
    ]);
  });

  it('sends a full default batch of 50 in one request', async () => {
    const env = environment();
    const times = recentTimes(50);
    const points = times.map((time, i) => point(env, time, { value: i }));
    const transport = new OpenTsdbTransport({ url: server().opentsdbUrl });
    expect(transport.maxBatch).toBe(50);
    await expect(transport.send(points)).resolves.toEqual({ rejected: [] });
    const [series] = await readUntil(() => exported(env), 50);
    expect(series?.samples).toEqual(times.map((time, i) => [Date.parse(time), i]));
  });
});

describe('VictoriaMetrics with Basic auth (-httpAuth.*)', () => {
  const auth = { username: 'healops', password: 'v3ry s3cret:pw' };
  let secured: VictoriaMetrics | undefined;
  let securedError: unknown;

  beforeAll(async () => {
    try {
      secured = await startVictoriaMetrics({ auth });
    } catch (error) {
      securedError = error;
    }
  });
  afterAll(async () => {
    await secured?.stop();
  });

  function store(): VictoriaMetrics {
    if (securedError !== undefined) throw securedError;
    if (secured === undefined) throw new Error('VictoriaMetrics (auth) did not start');
    return secured;
  }

  it('accepts points with the right credentials', async () => {
    const env = environment();
    const [time] = recentTimes(1) as [string];
    const transport = new InfluxTransport({ url: `${store().url}/write`, ...auth, gzip: true });
    await expect(transport.send([point(env, time, { value: 2 })])).resolves.toEqual({ rejected: [] });
    await store().flush();
    const response = await fetch(
      `${store().url}/api/v1/export?${new URLSearchParams({ 'match[]': `{environment="${env}"}` })}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
        },
      },
    );
    expect(await response.text()).toContain(`"values":[2],"timestamps":[${Date.parse(time)}]`);
  });

  it('wrong credentials → TransportError that keeps the points, without the password in the message', async () => {
    const transport = new InfluxTransport({
      url: `${store().url}/write`,
      username: 'healops',
      password: 'wrong-pw',
    });
    const error = await transport.send([point(environment(), recentTimes(1)[0] as string)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).retryable).toBe(true);
    expect((error as TransportError).message).toMatch(/HTTP 401 .*credentials/);
    expect((error as TransportError).message).not.toContain('wrong-pw');
  });
});

describe('VictoriaMetrics stopped', () => {
  it('a store that is down → TransportError, retryable', async () => {
    const down = await startVictoriaMetrics();
    const url = down.url;
    await down.stop();
    const error = await new InfluxTransport({ url: `${url}/write` })
      .send([point(environment(), recentTimes(1)[0] as string)])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).retryable).toBe(true);
    expect((error as TransportError).message).toMatch(/ECONNREFUSED/);
  });
});
