import { TransportError } from '@healops/core';

// One POST to a time-series store with Node's fetch: a timeout, the caller's abort signal, and every failure to get
// an answer (refused, reset, DNS, TLS, timeout, abort) turned into a retryable TransportError. Redirects are not
// followed (a POST body would be lost or resent to a place nobody configured); the caller sees the 3xx.

export interface HttpPostRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpPostResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Where a request went, safe for messages: no credentials, no query (a v1 URL may carry `p=<password>`). */
export function describeEndpoint(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export async function httpPost(request: HttpPostRequest): Promise<HttpPostResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const where = describeEndpoint(request.url);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
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
    throw new TransportError(`cannot reach ${where}: ${networkReason(error)}`, {
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
