import {
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import {
  type BatchTransport,
  type DeliveryResult,
  encodeTimestreamRecords,
  type MetricPoint,
  parseDuration,
  SINK_DEFAULTS,
  TIMESTREAM_LIMITS,
  type TimestreamSinkConfig,
  type TimestreamWriteBatch,
  TransportError,
} from '@healops/core';

/** Points one send() takes: several WriteRecords calls when needed (each at most 100 records). */
export const TIMESTREAM_POINTS_PER_SEND = 2_500;

export interface TimestreamTransportOptions {
  readonly database: string;
  readonly table: string;
  /** Default: the SDK's (AWS_REGION, profile). */
  readonly region?: string;
  /**
   * Endpoint override (tests, VPC endpoints). With it the SDK skips endpoint discovery and sends WriteRecords there;
   * without it the SDK calls DescribeEndpoints once per cache period and writes to the cell it was given.
   */
  readonly endpoint?: string;
  /** Records per WriteRecords call, at most 100 (the default). Also the most points one send() should carry. */
  readonly batchSize?: number;
  /** Per HTTP attempt (connect + response), default 10 s. */
  readonly timeoutMs?: number;
  /** SDK attempts per call, first included (default 3); throttling backs off adaptively between them. */
  readonly maxAttempts?: number;
  /** measure_name of the multi-measure records (default `healops`). */
  readonly measureName?: string;
  /** Anything else for the SDK client (credentials, requestHandler, logger); wins over the fields above. */
  readonly clientConfig?: TimestreamWriteClientConfig;
}

const DEFAULT_MAX_ATTEMPTS = 3;

/** Errors Timestream (or the SDK) raises for a whole call that trying again later can fix. */
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'InternalServerException',
  'InvalidEndpointException',
  'ServiceUnavailableException',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
}

function fields(error: unknown): ErrorFields {
  if (!(error instanceof Error))
    return { name: 'Error', message: String(error), status: undefined, code: undefined };
  const meta = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    status: typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined,
    code: typeof code === 'string' ? code : undefined,
  };
}

interface Rejection {
  readonly RecordIndex?: number;
  readonly Reason?: string;
  readonly ExistingVersion?: number;
}

function rejectedRecords(error: unknown): readonly Rejection[] | undefined {
  if (!(error instanceof Error) || error.name !== 'RejectedRecordsException') return undefined;
  const records = (error as { RejectedRecords?: unknown }).RejectedRecords;
  return Array.isArray(records) ? (records as Rejection[]) : [];
}

/**
 * Writes points to an Amazon Timestream for LiveAnalytics table with WriteRecords: multi-measure records of at most
 * 100 per call, shared dimensions in CommonAttributes, every documented limit checked before sending (see
 * encodeTimestreamRecords). Throttling, 5xx and network errors are retried by the SDK (adaptive retry mode) and then
 * reported as a retryable TransportError; records Timestream refuses (RejectedRecordsException) come back as
 * per-point rejections while the other records of the call are stored.
 *
 * Points of one (time, dimensions) group must arrive in the same send(): they form one record, and a later record
 * with the same key but other measures is refused by Timestream (reported per point, never silently lost).
 * AWS closed Timestream for LiveAnalytics to new customers on 2025-06-20; they use the Influx sink with Amazon
 * Timestream for InfluxDB instead.
 */
export class TimestreamTransport implements BatchTransport {
  readonly maxBatch: number;
  readonly wholeResults = true;
  readonly #client: TimestreamWriteClient;
  readonly #options: TimestreamTransportOptions;
  readonly #recordsPerWrite: number;

  constructor(options: TimestreamTransportOptions) {
    this.#options = options;
    this.#recordsPerWrite = Math.max(
      1,
      Math.min(options.batchSize ?? TIMESTREAM_LIMITS.recordsPerWrite, TIMESTREAM_LIMITS.recordsPerWrite),
    );
    // A send() makes as many WriteRecords calls (of at most recordsPerWrite records) as its points need; a result
    // is one record of ~10-30 points, so counting points, 2,500 fill about one full call per 100 results.
    this.maxBatch = TIMESTREAM_POINTS_PER_SEND;
    const timeout = options.timeoutMs ?? SINK_DEFAULTS.timeoutMs;
    this.#client = new TimestreamWriteClient({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      retryMode: 'adaptive',
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      // Without throwOnRequestTimeout the SDK's handler only logs a warning when requestTimeout passes.
      requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
      ...options.clientConfig,
    });
  }

  /** From a `type: timestream` entry of healops.config.yaml. */
  static fromConfig(
    config: TimestreamSinkConfig,
    extra: Pick<TimestreamTransportOptions, 'clientConfig' | 'maxAttempts'> = {},
  ): TimestreamTransport {
    return new TimestreamTransport({
      database: config.database,
      table: config.table,
      ...(config.region === undefined ? {} : { region: config.region }),
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.batchSize === undefined ? {} : { batchSize: config.batchSize }),
      ...(config.timeout === undefined ? {} : { timeoutMs: parseDuration(config.timeout) }),
      ...extra,
    });
  }

  async send(points: readonly MetricPoint[], signal?: AbortSignal): Promise<DeliveryResult> {
    const encoding = encodeTimestreamRecords(points, {
      recordsPerWrite: this.#recordsPerWrite,
      ...(this.#options.measureName === undefined ? {} : { measureName: this.#options.measureName }),
    });
    const rejected = [...encoding.rejected];
    let delivered = 0;
    let invalid: TransportError | undefined;
    for (const batch of encoding.batches) {
      try {
        await this.#write(batch, signal);
        delivered += 1;
      } catch (error) {
        const refused = rejectedRecords(error);
        if (refused !== undefined) {
          rejected.push(...this.#perPoint(batch, refused, fields(error).message));
          delivered += 1;
          continue;
        }
        const failure = this.#classify(error);
        // A ValidationException is about this call's records: when other calls of the send went through, refuse
        // just these points rather than failing (and so re-sending or dropping) the whole batch.
        if (!failure.retryable && fields(error).name === 'ValidationException') {
          invalid ??= failure;
          for (const indexes of batch.pointIndexes)
            for (const index of indexes) rejected.push({ index, reason: failure.message });
          continue;
        }
        throw failure;
      }
    }
    if (invalid !== undefined && delivered === 0) throw invalid;
    rejected.sort((a, b) => a.index - b.index);
    return { rejected };
  }

  /** Closes the SDK's HTTP connections. */
  destroy(): void {
    this.#client.destroy();
  }

  async #write(batch: TimestreamWriteBatch, signal: AbortSignal | undefined): Promise<void> {
    const command = new WriteRecordsCommand({
      DatabaseName: this.#options.database,
      TableName: this.#options.table,
      CommonAttributes: batch.commonAttributes,
      Records: batch.records,
    });
    await this.#client.send(command, signal === undefined ? {} : { abortSignal: signal });
  }

  #perPoint(
    batch: TimestreamWriteBatch,
    refused: readonly Rejection[],
    message: string,
  ): Array<{ index: number; reason: string }> {
    const out: Array<{ index: number; reason: string }> = [];
    const indexes: readonly Rejection[] =
      refused.length > 0 ? refused : batch.records.map((_, i) => ({ RecordIndex: i }));
    for (const r of indexes) {
      const record = r.RecordIndex ?? -1;
      const points = batch.pointIndexes[record];
      const version = r.ExistingVersion === undefined ? '' : ` (existing version ${r.ExistingVersion})`;
      const reason = `Timestream rejected record ${record}: ${r.Reason ?? message}${version}`;
      for (const index of points ?? []) out.push({ index, reason });
    }
    return out;
  }

  #where(): string {
    const { database, table, region, endpoint } = this.#options;
    const at = endpoint !== undefined ? ` at ${endpoint}` : region !== undefined ? ` in ${region}` : '';
    return `Timestream table ${database}.${table}${at}`;
  }

  #classify(error: unknown): TransportError {
    let e = fields(error);
    // The SDK wraps a failed DescribeEndpoints call; what went wrong is in `reason`.
    const reason = error instanceof Error ? (error as { reason?: unknown }).reason : undefined;
    let discovery = '';
    if (reason instanceof Error) {
      e = fields(reason);
      discovery = 'endpoint discovery (DescribeEndpoints) failed: ';
    }
    const where = this.#where();
    const says = `${discovery}${e.name}: ${e.message}`;
    if (e.name === 'AccessDeniedException' || e.status === 403)
      return new TransportError(
        `${where}: access denied (${says}); the role needs timestream:WriteRecords on the table and timestream:DescribeEndpoints — points are kept until it works`,
        { retryable: true, cause: error },
      );
    if (e.name === 'ResourceNotFoundException' || e.status === 404)
      return new TransportError(
        `${where}: database or table not found (${says}); points are kept until it exists`,
        {
          retryable: true,
          cause: error,
        },
      );
    if (e.name === 'ValidationException')
      return new TransportError(`${where}: request refused as invalid (${says})`, {
        retryable: false,
        cause: error,
      });
    // Throttling, 5xx, expired or unrecognised credentials, anything else from the service: keep the points. Only
    // a ValidationException (and per-record rejections) says the data itself is bad.
    if (RETRYABLE_NAMES.has(e.name) || (e.status !== undefined && e.status >= 400))
      return new TransportError(`${where}: ${says}`, { retryable: true, cause: error });
    // No HTTP answer at all (refused, reset, DNS, credentials not loadable yet): keep the points and try later.
    return new TransportError(`${where}: ${says}${e.code === undefined ? '' : ` (${e.code})`}`, {
      retryable: true,
      cause: error,
    });
  }
}
