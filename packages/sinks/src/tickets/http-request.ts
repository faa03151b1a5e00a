import { TransportError } from '@healops/core';
import manifest from '../../package.json' with { type: 'json' };

// One HTTP request with Node's fetch, shared by every outgoing sink (metrics stores, ticket receivers): a timeout,
// the caller's abort signal, and every failure to get an answer (refused, reset, DNS, TLS, timeout, abort) turned
// into a retryable TransportError that names the endpoint without its query or credentials. Redirects are not
// followed (a body would be lost or resent to a place nobody configured); the caller sees the 3xx.

export const HTTP_METHODS = ['GET', 'POST', 'PUT'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Sent unless the caller sets its own User-Agent: receivers see who calls them. */
export const HEALOPS_USER_AGENT = `healops/${manifest.version}`;

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** How messages name the endpoint (default describeEndpoint): a webhook path may itself be a secret. */
  readonly where?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Where a request went, safe for messages: no credentials, no query (a v1 URL may carry `p=<password>`). */
export function describeEndpoint(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Scheme and host only: for URLs whose path may carry a token (Slack- or Teams-style webhook URLs). */
export function describeHost(url: URL): string {
  return `${url.protocol}//${url.host}/…`;
}

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const where = request.where ?? describeEndpoint(request.url);
  if (request.url.username !== '' || request.url.password !== '') {
    // fetch refuses them too, quoting the whole URL: say it without the credentials.
    throw new TransportError(
      `${where}: credentials written in the URL are not sent; use the credential settings`,
      {
        retryable: false,
      },
    );
  }
  const headers = new Headers(request.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', HEALOPS_USER_AGENT);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (timeout.aborted) {
      throw new TransportError(`no answer from ${where} within ${request.timeoutMs} ms`, {
        retryable: true,
        cause: error,
      });
    }
    if (request.signal?.aborted) {
      throw new TransportError(`request to ${where} aborted`, { retryable: true, cause: error });
    }
    // A reason that quotes the URL would carry its query: name the endpoint instead.
    const reason = networkReason(error)
      .split(request.url.href)
      .join(where)
      .split(request.url.pathname.length > 1 ? request.url.pathname : '\u0000')
      .join('/…');
    throw new TransportError(`cannot reach ${where}: ${reason}`, {
      retryable: true,
      cause: error,
    });
  }
}

/** fetch says "fetch failed"; the useful part (ECONNREFUSED 127.0.0.1:8086) is in the cause. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code} ${cause.message}`
      : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
