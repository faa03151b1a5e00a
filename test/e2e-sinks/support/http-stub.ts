import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the stub; the last one given is repeated for every later request. */
export interface StubAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the stub answered. */
  readonly status: number;
}

export interface HttpStub {
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/** A loopback node:http server answering requests with `answers` in turn, recording what it received. */
export async function startHttpStub(answers: readonly StubAnswer[]): Promise<HttpStub> {
  if (answers.length === 0) throw new Error('the stub needs at least one answer');
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] as StubAnswer;
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: answer.status,
      });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
