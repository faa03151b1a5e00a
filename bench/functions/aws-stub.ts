import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * Every AWS endpoint of a benched function: answers each request at once with a (non-retryable)
 * AccessDeniedException, as an AWS JSON protocol service does, and counts what it was asked. A first invocation
 * against it pays everything a real one pays before the network (clients, credentials from the environment,
 * endpoint rules, signing, serialising, parsing the answer), not AWS's latency.
 */

const ANSWER = JSON.stringify({
  __type: 'AccessDeniedException',
  message: 'HealOps bench stub: no AWS here',
});

export class AwsStub {
  readonly #server: Server;
  readonly #asked: Map<string, number>;

  private constructor(server: Server, asked: Map<string, number>) {
    this.#server = server;
    this.#asked = asked;
  }

  static async start(): Promise<AwsStub> {
    const asked = new Map<string, number>();
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? `${request.method} ${request.url}`);
        asked.set(target, (asked.get(target) ?? 0) + 1);
        response.writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': 'AccessDeniedException',
          'x-amzn-requestid': 'healops-bench',
          'content-length': Buffer.byteLength(ANSWER),
        });
        response.end(ANSWER);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new AwsStub(server, asked);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What was asked since the last call, e.g. `DynamoDB_20120810.PutItem x1`; resets the count. */
  takeAsked(): string[] {
    const asked = [...this.#asked].map(([target, n]) => `${target} x${n}`);
    this.#asked.clear();
    return asked;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
