import { afterEach, describe, expect, it } from 'vitest';
import { HEALOPS_USER_AGENT, httpRequest } from '../../src/tickets/http-request.js';
import { type StubHttpServer, type StubReply, startStubHttpServer } from '../support/stub-http-server.js';
import { transportFailure } from '../support/transport-failure.js';

// httpRequest against a real HTTP server on loopback (httpPost, a thin call into it, is covered by the Influx and
// OpenTSDB transport tests).

let stub: StubHttpServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(reply: StubReply): Promise<StubHttpServer> {
  stub = await startStubHttpServer(() => reply);
  return stub;
}

describe('httpRequest', () => {
  it.each([
    ['GET', undefined],
    ['POST', '{"a":1}'],
    ['PUT', '{"b":2}'],
  ] as const)('sends %s with its body and headers, and returns the answer', async (method, body) => {
    const server = await serve({ status: 200, headers: { 'x-answer': 'yes' }, body: 'hello' });
    const response = await httpRequest({
      method,
      url: new URL(`${server.url}/rest/api/3/issue?fields=status`),
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
      timeoutMs: 5_000,
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe('hello');
    expect(response.headers.get('x-answer')).toBe('yes');
    const [request] = server.requests;
    expect(request?.method).toBe(method);
    expect(request?.url).toBe('/rest/api/3/issue?fields=status');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.body).toBe(body ?? '');
  });

  it('sends a HealOps User-Agent unless the caller sets one', async () => {
    const server = await serve({ status: 204 });
    const url = new URL(server.url);
    await httpRequest({ method: 'GET', url, headers: {}, timeoutMs: 5_000 });
    await httpRequest({ method: 'GET', url, headers: { 'User-Agent': 'custom/1' }, timeoutMs: 5_000 });
    expect(HEALOPS_USER_AGENT).toMatch(/^healops\/\d+\.\d+\.\d+/);
    expect(server.requests.map((r) => r.headers['user-agent'])).toEqual([HEALOPS_USER_AGENT, 'custom/1']);
  });

  it('does not follow a redirect: the caller sees the 3xx', async () => {
    const server = await serve({ status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const response = await httpRequest({
      method: 'PUT',
      url: new URL(`${server.url}/x`),
      headers: {},
      body: 'data',
      timeoutMs: 5_000,
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect(server.requests).toHaveLength(1);
  });

  it('a slow answer is a retryable timeout naming the endpoint without its query', async () => {
    const server = await serve({ status: 200, delayMs: 2_000 });
    const url = new URL(`${server.url}/path?token=s3cret`);
    const error = await transportFailure(httpRequest({ method: 'GET', url, headers: {}, timeoutMs: 100 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`no answer from ${server.url}/path within 100 ms`);
  });

  it('refuses a URL with credentials, without quoting them, and sends nothing', async () => {
    const server = await serve({ status: 204 });
    const url = new URL(`${server.url}/path?token=s3cret`);
    url.username = 'user';
    url.password = 'pw-secret';
    const error = await transportFailure(httpRequest({ method: 'GET', url, headers: {}, timeoutMs: 5_000 }));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `${server.url}/path: credentials written in the URL are not sent; use the credential settings`,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('a refused connection is retryable and names the cause', async () => {
    const server = await serve({ status: 204 });
    await server.close();
    stub = undefined;
    const error = await transportFailure(
      httpRequest({ method: 'GET', url: new URL(`${server.url}/q?x=1`), headers: {}, timeoutMs: 5_000 }),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(new RegExp(`^cannot reach ${server.url}/q: .*ECONNREFUSED`));
  });
});
