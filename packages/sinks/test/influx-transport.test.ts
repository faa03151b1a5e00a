import { type MetricPoint, TransportError } from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SinkConfigError } from '../src/errors.js';
import { InfluxTransport } from '../src/influx-transport.js';
import { type StubHttpServer, type StubReply, startStubHttpServer } from './support/stub-http-server.js';

// InfluxTransport against a real HTTP server on loopback that answers as InfluxDB / VictoriaMetrics do.
// The real stores are exercised in test/integration/influxdb.test.ts and victoria-metrics.test.ts.

const TIME = '2025-03-04T05:06:07.089Z';
const MS = Date.parse(TIME);

function point(value: number, name = 'healops.check.status', target = 'local'): MetricPoint {
  return {
    time: TIME,
    name,
    value,
    unit: '',
    dimensions: { package: 'web', check: 'http', target, environment: 'prod' },
  };
}

function line(value: number, name = 'healops.check.status', target = 'local'): string {
  return `${name},check=http,environment=prod,package=web,target=${target} value=${value} ${MS}`;
}

let stub: StubHttpServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(reply: StubReply | ((body: string) => StubReply)): Promise<StubHttpServer> {
  stub = await startStubHttpServer((request) => (typeof reply === 'function' ? reply(request.body) : reply));
  return stub;
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

/** A port nothing listens on: a server that was just closed. */
async function closedPort(): Promise<string> {
  const server = await startStubHttpServer(() => ({ status: 204 }));
  await server.close();
  return server.url;
}

describe('InfluxTransport request', () => {
  it.each([
    ['v1 /write', '/write?db=healops', '/write?db=healops&precision=ms'],
    [
      'v2 /api/v2/write',
      '/api/v2/write?bucket=healops&org=ops',
      '/api/v2/write?bucket=healops&org=ops&precision=ms',
    ],
    ['VictoriaMetrics /write', '/write', '/write?precision=ms'],
    ['precision=ms already there', '/write?precision=ms&db=x', '/write?precision=ms&db=x'],
  ])('%s: posts line protocol to %s with precision=ms', async (_name, path, expected) => {
    const server = await serve({ status: 204 });
    const transport = new InfluxTransport({ url: `${server.url}${path}` });
    await expect(transport.send([point(0), point(2, 'healops.check.status', 'db-1')])).resolves.toEqual({
      rejected: [],
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(expected);
    expect(request?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(`${line(0)}\n${line(2, 'healops.check.status', 'db-1')}\n`);
  });

  it('sends a token as "Authorization: Token <token>"', async () => {
    const server = await serve({ status: 204 });
    await new InfluxTransport({ url: `${server.url}/api/v2/write?bucket=b&org=o`, token: 'tok-123' }).send([
      point(1),
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Token tok-123');
  });

  it('sends username and password as Basic auth', async () => {
    const server = await serve({ status: 204 });
    await new InfluxTransport({ url: `${server.url}/write?db=h`, username: 'ops', password: 'pä:ss' }).send([
      point(1),
    ]);
    const expected = `Basic ${Buffer.from('ops:pä:ss').toString('base64')}`;
    expect(server.requests[0]?.headers.authorization).toBe(expected);
  });

  it('turns credentials in the URL into Basic auth and leaves them out of the request URL', async () => {
    const server = await serve({ status: 204 });
    const url = server.url.replace('http://', 'http://ops:s%40cret@');
    await new InfluxTransport({ url: `${url}/write?db=h` }).send([point(1)]);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ops:s@cret').toString('base64')}`,
    );
    expect(server.requests[0]?.url).toBe('/write?db=h&precision=ms');
  });

  it('gzips the body when asked, with Content-Encoding: gzip', async () => {
    const server = await serve({ status: 204 });
    const points = Array.from({ length: 200 }, (_, i) => point(i));
    await new InfluxTransport({ url: `${server.url}/write`, gzip: true }).send(points);
    const [request] = server.requests;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.body).toBe(`${points.map((p) => line(p.value)).join('\n')}\n`);
    expect(request?.wireBytes).toBeLessThan(Buffer.byteLength(request?.body ?? '') / 4);
  });

  it('leaves out non-finite values, reports them, and sends the rest', async () => {
    const server = await serve({ status: 204 });
    const transport = new InfluxTransport({ url: `${server.url}/write` });
    const result = await transport.send([
      point(1),
      point(Number.NaN),
      point(3),
      point(Number.POSITIVE_INFINITY),
    ]);
    expect(result.rejected).toEqual([
      { index: 1, reason: expect.stringContaining('NaN') },
      { index: 3, reason: expect.stringContaining('Infinity') },
    ]);
    expect(server.requests[0]?.body).toBe(`${line(1)}\n${line(3)}\n`);
  });

  it('sends nothing when no point is representable', async () => {
    const server = await serve({ status: 204 });
    const result = await new InfluxTransport({ url: `${server.url}/write` }).send([point(Number.NaN)]);
    expect(result.rejected).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });

  it('takes its batch size from the options, SINK_DEFAULTS otherwise', () => {
    expect(new InfluxTransport({ url: 'http://127.0.0.1:1/write' }).maxBatch).toBe(5_000);
    expect(new InfluxTransport({ url: 'http://127.0.0.1:1/write', batchSize: 7 }).maxBatch).toBe(7);
  });

  it.each([
    ['a precision other than ms', { url: 'http://h/write?precision=s' }, /precision=s/],
    ['not a URL', { url: 'influx:8086' }, /must be http\(s\)/],
    ['an unparsable URL', { url: 'http://' }, /not a URL/],
    [
      'token and password',
      { url: 'http://h/write', token: 't', username: 'u', password: 'p' },
      /either a token/,
    ],
    ['a username without password', { url: 'http://h/write', username: 'u' }, /go together/],
    ['broken percent-encoding in URL credentials', { url: 'http://u:%E0%A4%A@h/write' }, /percent-encoding/],
  ])('refuses a configuration with %s', (_name, options, message) => {
    expect(() => new InfluxTransport(options)).toThrow(SinkConfigError);
    expect(() => new InfluxTransport(options)).toThrow(message);
  });
});

describe('InfluxTransport answers', () => {
  it.each<{ name: string; reply: StubReply; retryable: boolean; message: RegExp }>([
    {
      name: '500',
      reply: { status: 500, body: '{"error":"engine: cache maximum memory size exceeded"}' },
      retryable: true,
      message: /HTTP 500 .*cache maximum memory size exceeded/,
    },
    { name: '503', reply: { status: 503, body: 'unavailable' }, retryable: true, message: /HTTP 503/ },
    { name: '408', reply: { status: 408 }, retryable: true, message: /HTTP 408/ },
    {
      name: '429 with Retry-After seconds',
      reply: { status: 429, headers: { 'retry-after': '30' }, body: '{"code":"too many requests"}' },
      retryable: true,
      message: /HTTP 429 .*retry after 30 s \(Retry-After\)/,
    },
    {
      name: '400 that names no line',
      reply: { status: 400, body: '{"error":"partial write: points beyond retention policy dropped=2"}' },
      retryable: false,
      message: /HTTP 400 .*points beyond retention policy.*without saying which points/,
    },
    {
      name: '401',
      reply: { status: 401, body: '{"error":"authorization failed"}' },
      // A credentials problem is fixed by a human; the points wait for it.
      retryable: true,
      message: /HTTP 401 .*refused the credentials.*authorization failed/,
    },
    { name: '403', reply: { status: 403 }, retryable: true, message: /HTTP 403 .*credentials/ },
    {
      name: '404 (InfluxDB 1.x: no such database)',
      reply: { status: 404, body: '{"error":"database not found: \\"healops\\""}' },
      retryable: true,
      message: /HTTP 404 .*check the URL.*database not found: "healops"/,
    },
    {
      name: '413',
      reply: { status: 413, body: '{"error":"Request Entity Too Large"}' },
      retryable: false,
      message: /HTTP 413 .*request too large/,
    },
    {
      name: 'a redirect',
      reply: { status: 307, headers: { location: 'https://elsewhere.example/write?db=x&p=secret' } },
      retryable: true,
      message: /HTTP 307 .*redirected to https:\/\/elsewhere.example\/write: configure the final URL/,
    },
  ])('$name → TransportError retryable=$retryable', async ({ reply, retryable, message }) => {
    const server = await serve(reply);
    const transport = new InfluxTransport({ url: `${server.url}/write?db=healops` });
    const error = await failure(transport.send([point(1)]));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`${server.url}/write`);
    expect(error.message).not.toMatch(/secret/);
  });

  it('204 and 200 are success', async () => {
    for (const status of [200, 204]) {
      const server = await serve({ status });
      await expect(new InfluxTransport({ url: `${server.url}/write` }).send([point(1)])).resolves.toEqual({
        rejected: [],
      });
      await server.close();
      stub = undefined;
    }
  });

  it('reports the lines InfluxDB could not parse as rejected points (it wrote the others)', async () => {
    const bad = [point(2, 'healops.check.status', 'db-1'), point(3, 'healops.check.status', 'db-2')];
    const server = await serve(() => ({
      status: 400,
      body: JSON.stringify({
        error:
          `partial write: unable to parse '${line(2, 'healops.check.status', 'db-1')}': invalid tag format\n` +
          `unable to parse '${line(3, 'healops.check.status', 'db-2')}': max key length exceeded dropped=0`,
      }),
    }));
    const transport = new InfluxTransport({ url: `${server.url}/write?db=h` });
    const result = await transport.send([
      point(1),
      bad[0] as MetricPoint,
      point(Number.NaN),
      bad[1] as MetricPoint,
    ]);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'store refused the line: invalid tag format' },
      { index: 2, reason: expect.stringContaining('NaN') },
      { index: 3, reason: 'store refused the line: max key length exceeded' },
    ]);
  });

  it('reports the points of a measurement with a field type conflict when the dropped count matches', async () => {
    const server = await serve({
      status: 400,
      body: JSON.stringify({
        error:
          'partial write: field type conflict: input field "value" on measurement "healops.repair" is type float, ' +
          'already exists as type integer dropped=2',
      }),
    });
    const transport = new InfluxTransport({ url: `${server.url}/write?db=h` });
    const result = await transport.send([point(1, 'healops.repair'), point(1), point(0, 'healops.repair')]);
    expect(result.rejected.map((r) => r.index)).toEqual([0, 2]);
    expect(result.rejected[0]?.reason).toMatch(/^store refused the point: field type conflict: .*integer$/);
  });

  it('fails the whole batch (not retryable) when a field type conflict count does not add up', async () => {
    const server = await serve({
      status: 400,
      body: '{"error":"partial write: field type conflict: input field \\"value\\" on measurement \\"other\\" is type float, already exists as type integer dropped=1"}',
    });
    const error = await failure(new InfluxTransport({ url: `${server.url}/write` }).send([point(1)]));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/field type conflict/);
  });

  it('a refused connection is retryable and names the endpoint without its query', async () => {
    const url = await closedPort();
    const transport = new InfluxTransport({
      url: `${url}/write?db=h&u=ops&p=s3cret`,
      password: 'pw',
      username: 'u',
    });
    const error = await failure(transport.send([point(1)]));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/write: .*ECONNREFUSED/);
    expect(error.message).not.toMatch(/s3cret|pw|db=h/);
  });

  it('a store slower than the timeout is retryable', async () => {
    const server = await serve({ status: 204, delayMs: 2_000 });
    const transport = new InfluxTransport({ url: `${server.url}/write`, timeoutMs: 100 });
    const error = await failure(transport.send([point(1)]));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no answer from .* within 100 ms/);
  });

  it("the caller's abort signal stops the request, retryable", async () => {
    const server = await serve({ status: 204, delayMs: 2_000 });
    const controller = new AbortController();
    const sending = new InfluxTransport({ url: `${server.url}/write` }).send([point(1)], controller.signal);
    setTimeout(() => controller.abort(), 50);
    const error = await failure(sending);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/aborted/);
  });

  it('never puts a token or password into an error message', async () => {
    const server = await serve({ status: 401, body: '{"error":"authorization failed"}' });
    for (const options of [{ token: 'tok-SECRET' }, { username: 'ops', password: 'pw-SECRET' }]) {
      const error = await failure(
        new InfluxTransport({ url: `${server.url}/write`, ...options }).send([point(1)]),
      );
      expect(error.message).not.toContain('SECRET');
      expect(String(error.cause ?? '')).not.toContain('SECRET');
    }
  });
});
