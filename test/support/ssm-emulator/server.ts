import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SsmApiError } from './errors.js';
import type { Faults } from './faults.js';
import { OPERATIONS, type Operation } from './types.js';

/*
 * The AWS JSON 1.1 envelope as @aws-sdk/client-ssm speaks it: POST / with `X-Amz-Target: AmazonSSM.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1` and a SigV4 Authorization header (present; not verified). Answers are
 * JSON with the same content type; errors are `{"__type": "<Code>", "message": "..."}` with HTTP 400 (500 for
 * server faults), which the SDK maps to the exception named by __type.
 */

export const JSON_11 = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AmazonSSM.';

export type Handler = (operation: Operation, body: Record<string, unknown>) => unknown;

export class SsmHttpServer {
  readonly calls: Record<Operation, number> = {
    SendCommand: 0,
    ListCommands: 0,
    ListCommandInvocations: 0,
    GetCommandInvocation: 0,
    CancelCommand: 0,
  };
  readonly #server: Server;
  readonly #handler: Handler;
  readonly #faults: Faults;

  private constructor(handler: Handler, faults: Faults) {
    this.#handler = handler;
    this.#faults = faults;
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  static async listen(handler: Handler, faults: Faults): Promise<SsmHttpServer> {
    const server = new SsmHttpServer(handler, faults);
    server.#server.listen(0, '127.0.0.1');
    await once(server.#server, 'listening');
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let status = 200;
    let answer: unknown;
    try {
      const operation = this.#envelope(req);
      this.calls[operation] += 1;
      const latency = this.#faults.latencyOf(operation);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const fault = this.#faults.take(operation);
      if (fault !== undefined) throw fault;
      answer = this.#handler(operation, parseBody(Buffer.concat(chunks).toString('utf8')));
    } catch (error) {
      const apiError =
        error instanceof SsmApiError ? error : new SsmApiError('InternalServerError', 'Internal error', 500);
      if (!(error instanceof SsmApiError)) console.error('SSM emulator bug:', error);
      status = apiError.status;
      answer = { __type: apiError.code, message: apiError.message };
    }
    if (res.destroyed) return;
    const payload = JSON.stringify(answer);
    res.writeHead(status, {
      'content-type': JSON_11,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(payload);
  }

  #envelope(req: IncomingMessage): Operation {
    if (req.method !== 'POST' || (req.url ?? '/') !== '/')
      throw new SsmApiError('UnknownOperationException', 'Only POST / is served', 404);
    if (req.headers.authorization === undefined)
      throw new SsmApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!OPERATIONS.includes(operation as Operation))
      throw new SsmApiError(
        'UnknownOperationException',
        `Operation ${target || '(no X-Amz-Target)'} is not emulated`,
      );
    if (req.headers['content-type'] !== JSON_11)
      throw new SsmApiError('SerializationException', `Content-Type must be ${JSON_11}`);
    return operation as Operation;
  }
}

function parseBody(text: string): Record<string, unknown> {
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SsmApiError('SerializationException', 'The request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SsmApiError('SerializationException', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}
