import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * moto applies DynamoDB conditional writes without a lock: under concurrent requests two writers can both pass the
 * same `version = :expected` condition (measured with moto 5.2.5: 2 of 40 trials of 8 racing TransactWriteItems had
 * two winners). Real DynamoDB checks and writes an item atomically. This loopback proxy sits in front of moto and
 * hands DynamoDB requests (X-Amz-Target DynamoDB_*) to it one at a time, which is the atomicity DynamoDB gives;
 * every other request (SQS long polls, EventBridge, Secrets Manager) passes through at once.
 */

export interface SerialDynamoProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startSerialDynamoProxy(upstream: string): Promise<SerialDynamoProxy> {
  const target = new URL(upstream);
  let chain: Promise<void> = Promise.resolve();
  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const serial = String(req.headers['x-amz-target'] ?? '').startsWith('DynamoDB_');
      const send = () =>
        forward(req, body).then(
          (answer) => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          },
          (error: unknown) => {
            res.writeHead(502, { 'content-type': 'text/plain' });
            res.end(`proxy: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      if (!serial) {
        void send();
        return;
      }
      const turn = chain.then(send);
      chain = turn.catch(() => undefined);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
