import {
  type BatchTransport,
  type DeliveryResult,
  encodeOpenTsdb,
  type MetricPoint,
  OPENTSDB_MAX_TAGS,
  type OpenTsdbDatapoint,
  SINK_DEFAULTS,
  TransportError,
} from '@healops/core';
import { SinkConfigError } from './errors.js';
import { describeEndpoint, httpPost } from './http-post.js';
import { isSuccess, statusError } from './http-status.js';

type Rejection = DeliveryResult['rejected'][number];

export interface OpenTsdbTransportOptions {
  /** Base URL of the TSD (or a compatible store, e.g. VictoriaMetrics -opentsdbHTTPListenAddr); points go to /api/put. */
  readonly url: string;
  readonly timeoutMs?: number;
  /** Points per request (OpenTSDB's default request limits suit 50). */
  readonly batchSize?: number;
  /** The TSD's tsd.storage.max_tags. */
  readonly maxTags?: number;
  /** Told when points go out without some of their tags (over maxTags, or equal keys after cleaning). */
  readonly onDroppedTags?: (message: string) => void;
}

/**
 * Writes batches to OpenTSDB's HTTP `/api/put?details`. The store's per-point errors come back as rejections (the
 * rest of the batch is stored); a failure of the whole request is a TransportError, retryable for 408, 429, 5xx
 * and when the store cannot be reached.
 */
export class OpenTsdbTransport implements BatchTransport {
  readonly maxBatch: number;
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #maxTags: number;
  readonly #onDroppedTags: ((message: string) => void) | undefined;

  constructor(options: OpenTsdbTransportOptions) {
    this.#url = putUrl(options.url);
    this.#timeoutMs = options.timeoutMs ?? SINK_DEFAULTS.timeoutMs;
    this.#maxTags = options.maxTags ?? OPENTSDB_MAX_TAGS;
    this.#onDroppedTags = options.onDroppedTags;
    this.maxBatch = options.batchSize ?? SINK_DEFAULTS.batchSize.opentsdb;
  }

  get endpoint(): string {
    return describeEndpoint(this.#url);
  }

  async send(points: readonly MetricPoint[], signal?: AbortSignal): Promise<DeliveryResult> {
    const batch = encodeOpenTsdb(points, { maxTags: this.#maxTags });
    if (batch.droppedTags.length > 0 && this.#onDroppedTags) {
      const keys = [...new Set(batch.droppedTags.flatMap((d) => d.tags))].join(', ');
      this.#onDroppedTags(
        `${batch.droppedTags.length} point(s) sent to ${this.endpoint} without tag(s) ${keys}: ` +
          `OpenTSDB takes at most ${this.#maxTags} tags and distinct keys after cleaning`,
      );
    }
    if (batch.body.length === 0) return { rejected: batch.rejected };
    const response = await httpPost({
      url: this.#url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch.body),
      timeoutMs: this.#timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const details = putDetails(response.text);
    if (isSuccess(response.status) && (details === undefined || details.failed === 0)) {
      return { rejected: batch.rejected };
    }
    if (
      (isSuccess(response.status) || response.status === 400) &&
      details !== undefined &&
      details.failed > 0
    ) {
      const refused = refusedPoints(details, batch.body, batch.indexes);
      if (refused !== undefined) {
        return { rejected: [...batch.rejected, ...refused].sort((a, b) => a.index - b.index) };
      }
      throw new TransportError(
        `HTTP ${response.status} from ${this.endpoint}: ${details.failed} point(s) failed and the answer does not ` +
          `say which (${details.success} stored): ${firstError(details)}`,
        { retryable: false },
      );
    }
    throw statusError(this.endpoint, response);
  }
}

function putUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SinkConfigError('opentsdb url is not a URL', { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SinkConfigError(`opentsdb url must be http(s), not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SinkConfigError('opentsdb url must not carry credentials');
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/put`;
  url.search = url.search === '' ? '?details' : `${url.search}&details`;
  return url;
}

/** The `details` answer: `{success, failed, errors: [{datapoint, error}]}`. */
interface PutDetails {
  readonly success: number;
  readonly failed: number;
  readonly errors: ReadonlyArray<{ readonly datapoint: unknown; readonly error: string }>;
}

function putDetails(text: string): PutDetails | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { success, failed, errors } = body as Record<string, unknown>;
  if (typeof success !== 'number' || typeof failed !== 'number') return undefined;
  const list = Array.isArray(errors) ? errors : [];
  return {
    success,
    failed,
    errors: list.map((entry: unknown) => {
      const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      return { datapoint: record.datapoint, error: String(record.error ?? 'unknown error') };
    }),
  };
}

function firstError(details: PutDetails): string {
  return details.errors[0]?.error ?? 'no errors listed';
}

/**
 * Maps each error's echoed datapoint back to the point it came from (same metric, timestamp and tags; the value
 * breaks ties), or undefined when some failure cannot be placed.
 */
function refusedPoints(
  details: PutDetails,
  body: readonly OpenTsdbDatapoint[],
  indexes: readonly number[],
): Rejection[] | undefined {
  if (details.errors.length !== details.failed) return undefined;
  const taken = new Set<number>();
  const refused: Rejection[] = [];
  for (const { datapoint, error } of details.errors) {
    const echoed = echoedDatapoint(datapoint);
    if (echoed === undefined) return undefined;
    const candidates = body
      .map((sent, at) => ({ sent, at }))
      .filter(({ sent, at }) => !taken.has(at) && sameSeriesAndTime(sent, echoed));
    const match = candidates.find(({ sent }) => sent.value === echoed.value) ?? candidates[0];
    const index = match === undefined ? undefined : indexes[match.at];
    if (match === undefined || index === undefined) return undefined;
    taken.add(match.at);
    refused.push({ index, reason: `store refused the point: ${error}` });
  }
  return refused;
}

interface Echoed {
  readonly metric: string;
  readonly timestamp: number;
  readonly value: number;
  readonly tags: Readonly<Record<string, unknown>>;
}

/** OpenTSDB echoes what it parsed; its value (and sometimes the timestamp) is a string. */
function echoedDatapoint(datapoint: unknown): Echoed | undefined {
  if (typeof datapoint !== 'object' || datapoint === null) return undefined;
  const { metric, timestamp, value, tags } = datapoint as Record<string, unknown>;
  if (typeof metric !== 'string') return undefined;
  return {
    metric,
    timestamp: Number(timestamp),
    value: Number(value),
    tags: typeof tags === 'object' && tags !== null ? (tags as Record<string, unknown>) : {},
  };
}

function sameSeriesAndTime(sent: OpenTsdbDatapoint, echoed: Echoed): boolean {
  if (sent.metric !== echoed.metric || sent.timestamp !== echoed.timestamp) return false;
  const keys = Object.keys(sent.tags);
  if (keys.length !== Object.keys(echoed.tags).length) return false;
  return keys.every((key) => echoed.tags[key] === sent.tags[key]);
}
