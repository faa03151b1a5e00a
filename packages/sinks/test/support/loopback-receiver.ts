import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The HTTP plumbing of the ticket receivers: a real server on 127.0.0.1 that hands each request (raw body kept) to
// a handler, answers what it returns or what the test scripted (or drops the connection), records each request with
// its answer, and can go down and come back on the same port.

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The body as received, byte for byte. */
  readonly raw: Buffer;
  /** The body as UTF-8 text. */
  readonly body: string;
}

export type ReceiverReply =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
      /** Wait this long before answering (to trip a client timeout). */
      readonly delayMs?: number;
    }
  /** Close the connection without an answer (a crashing receiver). */
  | { readonly destroy: true };

/** Answers scripted by a test: a fixed reply, or one built from the request (e.g. echoing it). */
export type ScriptedReply = ReceiverReply | ((request: ReceivedRequest) => ReceiverReply);

export interface AnsweredRequest extends ReceivedRequest {
  /** The answer given. */
  readonly status: number | 'destroyed';
}

export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>` (the same across down/up). */
  readonly base: string;
  /** Every request, in order, with the answer given. */
  readonly requests: readonly AnsweredRequest[];
  /** Queues answers the handler may give instead of its own (see the handler's `scripted`). */
  script(...replies: ScriptedReply[]): void;
  /** Closes the port: clients get ECONNREFUSED until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** `handle` answers each request; `scripted()` takes the next scripted answer off the queue (undefined: none). */
export async function startLoopbackReceiver(
  handle: (request: ReceivedRequest, scripted: () => ReceiverReply | undefined) => ReceiverReply,
): Promise<LoopbackReceiver> {
  const requests: AnsweredRequest[] = [];
  const queue: ScriptedReply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body: raw.toString('utf8'),
      };
      const reply = handle(request, () => {
        const next = queue.shift();
        return typeof next === 'function' ? next(request) : next;
      });
      requests.push({ ...request, status: 'destroy' in reply ? 'destroyed' : reply.status });
      if ('destroy' in reply) {
        req.socket.destroy();
        return;
      }
      const answer = (): void => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  const listen = async (port: number): Promise<number> => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const stop = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  const port = await listen(0);
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    down: stop,
    async up() {
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
