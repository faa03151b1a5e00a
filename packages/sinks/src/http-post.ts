import { type HttpResponse, httpRequest } from './tickets/http-request.js';

// One POST to a time-series store: httpRequest (tickets/http-request.ts) with the method fixed. Every failure to get
// an answer is a retryable TransportError naming the endpoint without its query; redirects are not followed.

export { describeEndpoint } from './tickets/http-request.js';

export interface HttpPostRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type HttpPostResponse = HttpResponse;

export function httpPost(request: HttpPostRequest): Promise<HttpPostResponse> {
  return httpRequest({ method: 'POST', ...request });
}
