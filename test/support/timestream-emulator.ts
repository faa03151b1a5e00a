import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/*
 * A loopback Timestream Write endpoint speaking the AWS JSON 1.0 protocol the way @aws-sdk/client-timestream-write
 * sends it (POST /, X-Amz-Target: Timestream_20181101.<Operation>, Content-Type: application/x-amz-json-1.0, SigV4
 * for service "timestream"). It serves DescribeEndpoints and WriteRecords for one database.table and enforces what
 * the real service documents and moto does not: at most 100 records per call, at least one dimension per record,
 * name rules, the 2 KiB record size, dimension and measure limits, and record versions (an identical re-write is
 * accepted, a different value for an existing record is rejected with its ExistingVersion). It can be told to
 * refuse given record indexes (RejectedRecordsException), throttle (429), fail (500) or stall the next calls.
 */

import {
  checkRecord,
  EMULATED_LIMITS,
  type Fault,
  JSON_CONTENT_TYPE,
  type ReceivedRequest,
  RejectedError,
  RequestError,
  recordKey,
  type StoredRecord,
  sameMeasures,
  TARGET_PREFIX,
  type WriteRecordsBody,
} from './timestream-wire.js';

export type {
  ReceivedRequest,
  StoredRecord,
  WireDimension,
  WireMeasureValue,
  WireRecord,
  WriteRecordsBody,
} from './timestream-wire.js';
export { EMULATED_LIMITS } from './timestream-wire.js';

export interface EmulatorOptions {
  readonly database: string;
  readonly table: string;
  /** What DescribeEndpoints answers (default: the emulator's own host:port). */
  readonly discoveredAddress?: string;
}

export class TimestreamEmulator {
  readonly requests: ReceivedRequest[] = [];
  readonly #server: Server;
  readonly #options: EmulatorOptions;
  readonly #store = new Map<string, StoredRecord>();
  readonly #faults: Fault[] = [];
  #port: number | undefined;

  private constructor(server: Server, options: EmulatorOptions) {
    this.#server = server;
    this.#options = options;
  }

  static async start(options: EmulatorOptions): Promise<TimestreamEmulator> {
    let emulator: TimestreamEmulator | undefined;
    const server = createServer((req, res) => {
      void emulator?.handle(req, res);
    });
    emulator = new TimestreamEmulator(server, options);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    void emulator.endpoint;
    return emulator;
  }

  /** Stays the same after close(), so a test can aim at a port nobody listens on any more. */
  get endpoint(): string {
    this.#port ??= (this.#server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.#port}`;
  }

  /** WriteRecords request bodies, in arrival order (whatever was answered). */
  get writes(): WriteRecordsBody[] {
    return this.requests.filter((r) => r.operation === 'WriteRecords').map((r) => r.body as WriteRecordsBody);
  }

  /** What the table holds, oldest first. */
  get stored(): StoredRecord[] {
    return [...this.#store.values()];
  }

  /** The next WriteRecords call refuses these record indexes (the others are stored). */
  rejectNext(reasons: Readonly<Record<number, string>>): void {
    const map = new Map(Object.entries(reasons).map(([k, v]) => [Number(k), v] as const));
    this.#faults.push({ kind: 'reject', reasons: map });
  }

  /** The next `times` WriteRecords calls answer 429 ThrottlingException. */
  throttleNext(times: number): void {
    for (let i = 0; i < times; i++)
      this.#faults.push({
        kind: 'error',
        status: 429,
        type: 'ThrottlingException',
        message: 'Rate exceeded',
      });
  }

  /** The next `times` WriteRecords calls answer this error (default 500 InternalServerException). */
  failNext(times: number, status = 500, type = 'InternalServerException', message = 'Internal error'): void {
    for (let i = 0; i < times; i++) this.#faults.push({ kind: 'error', status, type, message });
  }

  /** The next `times` WriteRecords calls get no answer for `ms` (then are processed normally). */
  stallNext(times: number, ms: number): void {
    for (let i = 0; i < times; i++) this.#faults.push({ kind: 'stall', ms });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let body: unknown = text;
    let status = 200;
    let answer: unknown;
    try {
      this.#checkEnvelope(req.method, req.headers, target);
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new RequestError(400, 'SerializationException', 'body is not JSON');
      }
      if (operation === 'DescribeEndpoints') {
        const address = this.#options.discoveredAddress ?? String(req.headers.host);
        answer = { Endpoints: [{ Address: address, CachePeriodInMinutes: 1440 }] };
      } else if (operation === 'WriteRecords') {
        answer = await this.#writeRecords(body as WriteRecordsBody);
      } else {
        throw new RequestError(400, 'UnknownOperationException', `unknown operation ${operation}`);
      }
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      status = error.status;
      answer = { __type: `com.amazonaws.timestream.v20181101#${error.type}`, message: error.message };
      if (error instanceof RejectedError)
        Object.assign(answer as object, { RejectedRecords: error.rejected });
    }
    this.requests.push({ operation, host: String(req.headers.host ?? ''), body, status });
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-requestid': `req-${this.requests.length}`,
    });
    res.end(JSON.stringify(answer));
  }

  #checkEnvelope(method: string | undefined, headers: IncomingHttpHeaders, target: string): void {
    if (method !== 'POST') throw new RequestError(405, 'UnknownOperationException', 'POST / only');
    if (!target.startsWith(TARGET_PREFIX))
      throw new RequestError(
        400,
        'UnknownOperationException',
        `X-Amz-Target ${target} is not Timestream Write`,
      );
    if (headers['content-type'] !== JSON_CONTENT_TYPE)
      throw new RequestError(400, 'SerializationException', `content-type must be ${JSON_CONTENT_TYPE}`);
    const auth = String(headers.authorization ?? '');
    if (!auth.startsWith('AWS4-HMAC-SHA256 ') || !auth.includes('/timestream/aws4_request'))
      throw new RequestError(
        403,
        'IncompleteSignatureException',
        'expected a SigV4 signature for timestream',
      );
  }

  async #writeRecords(body: WriteRecordsBody): Promise<unknown> {
    const fault = this.#faults.shift();
    if (fault?.kind === 'stall') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'error') throw new RequestError(fault.status, fault.type, fault.message);
    const { database, table } = this.#options;
    if (body.DatabaseName !== database)
      throw new RequestError(
        404,
        'ResourceNotFoundException',
        `The database ${body.DatabaseName} does not exist.`,
      );
    if (body.TableName !== table)
      throw new RequestError(404, 'ResourceNotFoundException', `The table ${body.TableName} does not exist.`);
    const records = body.Records ?? [];
    if (records.length < 1 || records.length > EMULATED_LIMITS.recordsPerWrite)
      throw new RequestError(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and ${EMULATED_LIMITS.recordsPerWrite} (got ${records.length})`,
      );
    const checked = records.map((r, i) => checkRecord(body.CommonAttributes ?? {}, r, i));
    const rejected: Array<{ RecordIndex: number; Reason: string; ExistingVersion?: number }> = [];
    let ingested = 0;
    checked.forEach(({ record, limit }, index) => {
      const injected = fault?.kind === 'reject' ? fault.reasons.get(index) : undefined;
      if (injected !== undefined) {
        rejected.push({ RecordIndex: index, Reason: injected });
        return;
      }
      if (limit !== null) {
        rejected.push({ RecordIndex: index, Reason: `The record exceeds a Timestream limit: ${limit}.` });
        return;
      }
      const key = recordKey(record);
      const existing = this.#store.get(key);
      if (existing !== undefined && !sameMeasures(existing, record) && record.version <= existing.version) {
        rejected.push({
          RecordIndex: index,
          Reason:
            'A record already exists with the same time, dimensions, measure name, and record version. A higher record version must be specified in order to update the measure value.',
          ExistingVersion: existing.version,
        });
        return;
      }
      if (existing === undefined || record.version > existing.version) this.#store.set(key, record);
      ingested += 1;
    });
    if (rejected.length > 0) throw new RejectedError(rejected);
    return { RecordsIngested: { Total: ingested, MemoryStore: ingested, MagneticStore: 0 } };
  }
}

interface SdkHttpRequest {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/**
 * An SDK request handler that sends every request to `endpoint` whatever host the SDK resolved, keeping the Host
 * header, so a test can watch the SDK's own endpoint discovery (DescribeEndpoints to ingest.timestream.<region>,
 * then WriteRecords to the address it returned) against the emulator. `hosts` lists the hosts the SDK aimed at.
 */
export function redirectingHandler(endpoint: string) {
  const to = new URL(endpoint);
  const hosts: string[] = [];
  return {
    hosts,
    handler: {
      metadata: { handlerProtocol: 'http/1.1' },
      updateHttpClientConfig(): void {},
      httpHandlerConfigs(): Record<string, never> {
        return {};
      },
      destroy(): void {},
      handle(request: SdkHttpRequest, options?: { abortSignal?: AbortSignal }) {
        hosts.push(request.hostname);
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(request.query ?? {}))
          for (const item of Array.isArray(v) ? v : [v]) if (item !== null) query.append(k, item);
        const path = `${request.path}${query.size > 0 ? `?${query}` : ''}`;
        return new Promise<{
          response: { statusCode: number; headers: Record<string, string>; body: Readable };
        }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: to.hostname,
              port: to.port,
              method: request.method,
              path,
              headers: request.headers,
              ...(options?.abortSignal === undefined ? {} : { signal: options.abortSignal }),
            },
            (res) => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers))
                if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
              resolve({ response: { statusCode: res.statusCode ?? 0, headers, body: res } });
            },
          );
          req.on('error', reject);
          const body = request.body;
          if (body instanceof Readable) body.pipe(req);
          else req.end(typeof body === 'string' || body instanceof Uint8Array ? body : undefined);
        });
      },
    },
  };
}
