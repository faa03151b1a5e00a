import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// An AWS endpoint that records each request (target, headers, body) and answers AccessDeniedException, as an AWS
// JSON protocol service does: enough to see a bundled handler's SDK build, sign and send a real request.

export interface StubRequest {
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const ANSWER = JSON.stringify({ __type: 'AccessDeniedException', message: 'bundling test stub' });

export class AwsStubEndpoint {
  /** Every request so far, oldest first. */
  readonly requests: readonly StubRequest[];
  readonly #server: Server;

  private constructor(server: Server, requests: readonly StubRequest[]) {
    this.#server = server;
    this.requests = requests;
  }

  static async start(): Promise<AwsStubEndpoint> {
    const requests: StubRequest[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push({
          target: String(request.headers['x-amz-target'] ?? ''),
          headers: request.headers,
          body,
        });
        response.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': 'AccessDeniedException',
          'content-length': Buffer.byteLength(ANSWER),
        });
        response.end(ANSWER);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new AwsStubEndpoint(server, requests);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
