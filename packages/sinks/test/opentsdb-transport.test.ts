import { type MetricPoint, TransportError } from '@healops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SinkConfigError } from '../src/errors.js';
import { OpenTsdbTransport } from '../src/opentsdb-transport.js';
import { type StubHttpServer, type StubReply, startStubHttpServer } from './support/stub-http-server.js';

// OpenTsdbTransport against a real HTTP server on loopback that answers as OpenTSDB's /api/put?details does.
// VictoriaMetrics' /api/put is exercised in test/integration/victoria-metrics.test.ts.

const TIME = '2025-03-04T05:06:07.089Z';
const MS = Date.parse(TIME);
const TAGS = { package: 'web', check: 'http', target: 'local', environment: 'prod' };

function point(value: number, target = 'local', name = 'healops.check.status'): MetricPoint {
  return { time: TIME, name, value, unit: '', dimensions: { ...TAGS, target } };
}

/** What OpenTSDB echoes for a failed point: the datapoint as it parsed it (value as a string). */
function echoed(value: number, target = 'local'): unknown {
  return { metric: 'healops.check.status', timestamp: MS, value: String(value), tags: { ...TAGS, target } };
}

let stub: StubHttpServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(reply: StubReply): Promise<StubHttpServer> {
  stub = await startStubHttpServer(() => reply);
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

describe('OpenTsdbTransport request', () => {
  it.each([
    ['a bare base URL', '', '/api/put?details'],
    ['a trailing slash', '/', '/api/put?details'],
    ['a path prefix', '/tsdb/', '/tsdb/api/put?details'],
  ])('%s: posts JSON to %s', async (_name, base, expected) => {
    const server = await serve({ status: 204 });
    const transport = new OpenTsdbTransport({ url: `${server.url}${base}` });
    await expect(transport.send([point(0), point(2, 'db-1')])).resolves.toEqual({ rejected: [] });
    const [request] = server.requests;
    expect(request?.url).toBe(expected);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual([
      { metric: 'healops.check.status', timestamp: MS, value: 0, tags: TAGS },
      { metric: 'healops.check.status', timestamp: MS, value: 2, tags: { ...TAGS, target: 'db-1' } },
    ]);
  });

  it('defaults to batches of 50 (OpenTSDB request limits), configurable', () => {
    expect(new OpenTsdbTransport({ url: 'http://127.0.0.1:1' }).maxBatch).toBe(50);
    expect(new OpenTsdbTransport({ url: 'http://127.0.0.1:1', batchSize: 10 }).maxBatch).toBe(10);
  });

  it('reports points it cannot encode and tells when tags were dropped', async () => {
    const server = await serve({ status: 204 });
    const told: string[] = [];
    const many = { ...point(5), dimensions: { ...TAGS, a: '1', b: '2', c: '3', d: '4', e: '5' } };
    const transport = new OpenTsdbTransport({ url: server.url, onDroppedTags: (m) => told.push(m) });
    const result = await transport.send([point(Number.NaN), many]);
    expect(result.rejected).toEqual([{ index: 0, reason: expect.stringContaining('NaN') }]);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toHaveLength(1);
    expect(told).toEqual([
      expect.stringMatching(/^1 point\(s\) sent to .* without tag\(s\) e: .*at most 8 tags/),
    ]);
  });

  it.each([
    ['not http', 'tsdb.example:4242', /must be http\(s\)/],
    ['not a URL', 'http://', /not a URL/],
    ['credentials', 'http://u:p@tsdb.example:4242', /credentials/],
  ])('refuses a URL that is %s', (_name, url, message) => {
    expect(() => new OpenTsdbTransport({ url })).toThrow(SinkConfigError);
    expect(() => new OpenTsdbTransport({ url })).toThrow(message);
  });
});

describe('OpenTsdbTransport answers', () => {
  it('204 (no details) and 200 with failed=0 are success', async () => {
    for (const reply of [{ status: 204 }, { status: 200, body: '{"success":1,"failed":0,"errors":[]}' }]) {
      const server = await serve(reply);
      await expect(new OpenTsdbTransport({ url: server.url }).send([point(1)])).resolves.toEqual({
        rejected: [],
      });
      await server.close();
      stub = undefined;
    }
  });

  it('maps each failed datapoint of a 400 with details back to its point', async () => {
    const server = await serve({
      status: 400,
      body: JSON.stringify({
        success: 2,
        failed: 2,
        errors: [
          { datapoint: echoed(7, 'db-1'), error: 'Unable to parse value to a number' },
          { datapoint: echoed(9), error: 'Timestamp is in the future' },
        ],
      }),
    });
    const transport = new OpenTsdbTransport({ url: server.url });
    const result = await transport.send([
      point(8),
      point(9),
      point(Number.NaN),
      point(7, 'db-1'),
      point(1, 'db-1'),
    ]);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'store refused the point: Timestamp is in the future' },
      { index: 2, reason: expect.stringContaining('NaN') },
      { index: 3, reason: 'store refused the point: Unable to parse value to a number' },
    ]);
  });

  it('fails the batch, not retryable, when a failure cannot be placed', async () => {
    const server = await serve({
      status: 400,
      body: JSON.stringify({
        success: 0,
        failed: 1,
        errors: [{ datapoint: echoed(99, 'nowhere'), error: 'x' }],
      }),
    });
    const error = await failure(new OpenTsdbTransport({ url: server.url }).send([point(1)]));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/1 point\(s\) failed and the answer does not say which \(0 stored\): x/);
  });

  it.each<{ name: string; reply: StubReply; retryable: boolean; message: RegExp }>([
    {
      name: '400 without details',
      reply: {
        status: 400,
        body: '{"error":{"code":400,"message":"Unable to parse the given JSON","details":"..."}}',
      },
      retryable: false,
      message: /HTTP 400 .*Unable to parse the given JSON/,
    },
    {
      name: '500',
      reply: { status: 500, body: 'HBase down' },
      retryable: true,
      message: /HTTP 500 .*HBase down/,
    },
    {
      name: '503 with a Retry-After date',
      reply: { status: 503, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } },
      retryable: true,
      message: /HTTP 503 .*retry after 1[12]\d s/,
    },
    { name: '413', reply: { status: 413 }, retryable: false, message: /request too large/ },
    { name: '404', reply: { status: 404 }, retryable: true, message: /check the URL/ },
  ])('$name → TransportError retryable=$retryable', async ({ reply, retryable, message }) => {
    const server = await serve(reply);
    const error = await failure(new OpenTsdbTransport({ url: server.url }).send([point(1)]));
    expect(error.retryable).toBe(retryable);
    expect(error.message).toMatch(message);
  });

  it('a refused connection is retryable', async () => {
    const server = await startStubHttpServer(() => ({ status: 204 }));
    await server.close();
    const error = await failure(new OpenTsdbTransport({ url: server.url }).send([point(1)]));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach .*\/api\/put: .*ECONNREFUSED/);
  });
});
