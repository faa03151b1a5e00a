import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/*
 * A loopback HTTP server that speaks EventBridge's PutEvents over AWS JSON 1.1 (POST /, X-Amz-Target
 * AWSEvents.PutEvents), for the cases moto cannot produce: entries failed with an ErrorCode, throttled calls. The
 * real @aws-sdk/client-eventbridge talks to it; each test decides per request what it answers.
 */

export interface WireEntry {
  readonly EventBusName?: string;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  /** Epoch seconds, as the SDK serializes a Date in JSON 1.1. */
  readonly Time?: number;
}

export interface WireRequest {
  readonly target: string;
  readonly contentType: string;
  readonly entries: readonly WireEntry[];
}

/** What to answer: per-entry error codes (undefined = accepted), or an error for the whole call. */
export type WireAnswer =
  | { readonly entryErrors: ReadonlyArray<string | undefined> }
  | { readonly status: number; readonly errorType: string; readonly message: string };

export type WireBehaviour = (request: WireRequest, index: number) => WireAnswer;

export const acceptAll: WireBehaviour = (request) => ({ entryErrors: request.entries.map(() => undefined) });

export class EventBridgeWire {
  readonly requests: WireRequest[] = [];
  behaviour: WireBehaviour = acceptAll;
  readonly #server: Server;
  #eventId = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<EventBridgeWire> {
    let wire: EventBridgeWire | undefined;
    const server = createServer((req, res) => {
      void wire?.handle(req, res);
    });
    wire = new EventBridgeWire(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return wire;
  }

  get endpoint(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      reply(400, { __type: 'UnknownOperationException', message: `unsupported ${req.method} ${target}` });
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: WireEntry[] };
    const request: WireRequest = {
      target,
      contentType: String(req.headers['content-type'] ?? ''),
      entries: body.Entries ?? [],
    };
    this.requests.push(request);
    const answer = this.behaviour(request, this.requests.length - 1);
    if ('status' in answer) {
      reply(answer.status, { __type: answer.errorType, message: answer.message });
      return;
    }
    const entries = request.entries.map((_, i) => {
      const code = answer.entryErrors[i];
      if (code !== undefined) return { ErrorCode: code, ErrorMessage: `entry ${i} failed with ${code}` };
      this.#eventId += 1;
      return { EventId: `wire-${this.#eventId}` };
    });
    reply(200, { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries });
  }
}
