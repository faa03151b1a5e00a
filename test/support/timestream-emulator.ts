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

const TARGET_PREFIX = 'Timestream_20181101.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface WireDimension {
  readonly Name?: string;
  readonly Value?: string;
  readonly DimensionValueType?: string;
}

export interface WireMeasureValue {
  readonly Name?: string;
  readonly Value?: string;
  readonly Type?: string;
}

export interface WireRecord {
  readonly Dimensions?: readonly WireDimension[];
  readonly MeasureName?: string;
  readonly MeasureValue?: string;
  readonly MeasureValueType?: string;
  readonly MeasureValues?: readonly WireMeasureValue[];
  readonly Time?: string;
  readonly TimeUnit?: string;
  readonly Version?: number;
}

export interface WriteRecordsBody {
  readonly DatabaseName?: string;
  readonly TableName?: string;
  readonly CommonAttributes?: WireRecord;
  readonly Records?: readonly WireRecord[];
}

export interface ReceivedRequest {
  readonly operation: string;
  /** Host header: which endpoint the SDK meant to reach. */
  readonly host: string;
  readonly body: unknown;
  /** What the emulator answered. */
  readonly status: number;
}

/** A record as the table holds it (CommonAttributes merged in). */
export interface StoredRecord {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly measureName: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly version: number;
  readonly measures: Readonly<Record<string, number | string>>;
}

type Fault =
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message: string }
  | { readonly kind: 'reject'; readonly reasons: ReadonlyMap<number, string> }
  | { readonly kind: 'stall'; readonly ms: number };

export const EMULATED_LIMITS = {
  recordsPerWrite: 100,
  recordBytes: 2048,
  dimensionNameBytes: 60,
  dimensionPairBytes: 2048,
  dimensions: 128,
  measureNameBytes: 256,
  measuresPerRecord: 256,
} as const;

const SYSTEM_NAMES = ['time', 'measure_value', 'measure_name', 'ts_non_existent_col'];
const SYSTEM_PREFIXES = ['ts_', 'measure_name', 'measure_value'];
const VALUE_TYPES = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'];

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

class RejectedError extends RequestError {
  constructor(
    readonly rejected: ReadonlyArray<{ RecordIndex: number; Reason: string; ExistingVersion?: number }>,
  ) {
    super(
      419,
      'RejectedRecordsException',
      'One or more records have been rejected. See RejectedRecords for details.',
    );
  }
}

const size = (text: string): number => Buffer.byteLength(text, 'utf8');

function valueSize(type: string, value: string): number {
  if (type === 'VARCHAR') return size(value);
  if (type === 'BOOLEAN') return 1;
  return 8;
}

function checkValue(type: string | undefined, value: string | undefined, where: string): void {
  if (type === undefined || !VALUE_TYPES.includes(type))
    throw new RequestError(400, 'ValidationException', `${where}: invalid measure value type ${type}`);
  if (value === undefined || value.length === 0 || value.length > 2048)
    throw new RequestError(400, 'ValidationException', `${where}: measure value must be 1..2048 characters`);
  if ((type === 'DOUBLE' || type === 'BIGINT' || type === 'TIMESTAMP') && !Number.isFinite(Number(value)))
    throw new RequestError(400, 'ValidationException', `${where}: ${JSON.stringify(value)} is not a ${type}`);
}

function systemName(name: string): boolean {
  return SYSTEM_NAMES.includes(name) || SYSTEM_PREFIXES.some((p) => name.startsWith(p));
}

interface Checked {
  readonly record: StoredRecord;
  /** A limit the record exceeds: Timestream refuses the record, not the request. */
  readonly limit: string | null;
}

/** Merges CommonAttributes into a record and validates it as WriteRecords does. */
function checkRecord(common: WireRecord, own: WireRecord, index: number): Checked {
  const where = `Records[${index}]`;
  const dims = [...(common.Dimensions ?? []), ...(own.Dimensions ?? [])];
  if (dims.length === 0)
    throw new RequestError(400, 'ValidationException', 'At least one dimension is required for a record.');
  const dimensions: Record<string, string> = {};
  let limit: string | null = null;
  let pairBytes = 0;
  for (const d of dims) {
    if (d.Name === undefined || d.Name.length === 0 || d.Value === undefined || d.Value.length === 0)
      throw new RequestError(
        400,
        'ValidationException',
        `${where}: dimension names and values must not be empty`,
      );
    if (d.Name.includes(':') || systemName(d.Name))
      throw new RequestError(400, 'ValidationException', `${where}: invalid dimension name ${d.Name}`);
    if (d.Name in dimensions)
      throw new RequestError(400, 'ValidationException', `${where}: duplicate dimension ${d.Name}`);
    if (size(d.Name) > EMULATED_LIMITS.dimensionNameBytes) limit ??= `dimension name ${d.Name} is too long`;
    pairBytes += size(d.Name) + size(d.Value);
    dimensions[d.Name] = d.Value;
  }
  if (dims.length > EMULATED_LIMITS.dimensions) limit ??= 'too many dimensions';
  if (pairBytes > EMULATED_LIMITS.dimensionPairBytes) limit ??= 'dimension names and values exceed 2 KB';

  const measureName = own.MeasureName ?? common.MeasureName;
  const type = own.MeasureValueType ?? common.MeasureValueType ?? 'DOUBLE';
  const time = own.Time ?? common.Time;
  const unit = own.TimeUnit ?? common.TimeUnit ?? 'MILLISECONDS';
  const version = own.Version ?? common.Version ?? 1;
  if (measureName === undefined || measureName.length === 0)
    throw new RequestError(400, 'ValidationException', `${where}: MeasureName is required`);
  if (measureName.includes(':') || systemName(measureName))
    throw new RequestError(400, 'ValidationException', `${where}: invalid measure name ${measureName}`);
  if (size(measureName) > EMULATED_LIMITS.measureNameBytes) limit ??= 'measure name is too long';
  if (time === undefined || !/^\d+$/.test(time))
    throw new RequestError(400, 'ValidationException', `${where}: Time must be an integer string`);
  if (unit !== 'MILLISECONDS')
    throw new RequestError(400, 'ValidationException', `${where}: the emulator speaks MILLISECONDS only`);
  if (!Number.isInteger(version) || version < 1)
    throw new RequestError(400, 'ValidationException', `${where}: Version must be 1 or greater`);

  const measures: Record<string, number | string> = {};
  let bytes = 8 + pairBytes + size(measureName);
  if (type === 'MULTI') {
    const values = own.MeasureValues ?? common.MeasureValues ?? [];
    if (own.MeasureValue !== undefined || values.length === 0)
      throw new RequestError(400, 'ValidationException', `${where}: a MULTI record needs MeasureValues only`);
    if (values.length > EMULATED_LIMITS.measuresPerRecord)
      limit ??= 'too many measures in a multi-measure record';
    for (const m of values) {
      checkValue(m.Type, m.Value, where);
      const name = m.Name ?? '';
      if (name.length === 0 || name.includes(':') || systemName(name))
        throw new RequestError(400, 'ValidationException', `${where}: invalid measure name ${name}`);
      if (name in measures || name in dimensions)
        throw new RequestError(400, 'ValidationException', `${where}: column ${name} appears twice`);
      if (size(name) > EMULATED_LIMITS.measureNameBytes) limit ??= `measure name ${name} is too long`;
      measures[name] = m.Type === 'VARCHAR' ? (m.Value as string) : Number(m.Value);
      bytes += size(name) + valueSize(m.Type as string, m.Value as string);
    }
  } else {
    const value = own.MeasureValue ?? common.MeasureValue;
    checkValue(type, value, where);
    measures[measureName] = type === 'VARCHAR' ? (value as string) : Number(value);
    bytes += valueSize(type, value as string);
  }
  if (bytes > EMULATED_LIMITS.recordBytes) limit ??= `record size ${bytes} bytes exceeds 2 KB`;
  return { record: { dimensions, measureName, time: Number(time), version, measures }, limit };
}

function recordKey(r: StoredRecord): string {
  return JSON.stringify([Object.entries(r.dimensions).sort(), r.measureName, r.time]);
}

function sameMeasures(a: StoredRecord, b: StoredRecord): boolean {
  const ka = Object.keys(a.measures).sort();
  const kb = Object.keys(b.measures).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => a.measures[k] === b.measures[k]);
}

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
