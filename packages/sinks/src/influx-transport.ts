import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import {
  type BatchTransport,
  type DeliveryResult,
  encodeLineProtocol,
  type LineProtocolLine,
  type MetricPoint,
  SINK_DEFAULTS,
  TransportError,
} from '@healops/core';
import { SinkConfigError } from './errors.js';
import { describeEndpoint, httpPost } from './http-post.js';
import { isSuccess, serverText, statusError } from './http-status.js';

const gzip = promisify(gzipCallback);

type Rejection = DeliveryResult['rejected'][number];

export interface InfluxTransportOptions {
  /**
   * The write endpoint with its query: InfluxDB 2.x/3 and Timestream for InfluxDB
   * `/api/v2/write?bucket=..&org=..`, InfluxDB 1.x `/write?db=..`, VictoriaMetrics `/write` or `/api/v2/write`.
   * `precision=ms` is added when absent. Credentials in the URL (`https://user:pass@host`) become Basic auth.
   */
  readonly url: string;
  /** Resolved token, sent as `Authorization: Token <token>`. */
  readonly token?: string;
  /** Resolved Basic credentials (InfluxDB 1.x, VictoriaMetrics -httpAuth.*). */
  readonly username?: string;
  readonly password?: string;
  /** Compress bodies (Content-Encoding: gzip). */
  readonly gzip?: boolean;
  readonly timeoutMs?: number;
  /** Points per request. */
  readonly batchSize?: number;
}

/**
 * Writes batches of points as InfluxDB line protocol over HTTP(S). Points line protocol cannot carry and lines the
 * store names as bad come back as rejections; every other failure is a TransportError (retryable when the store
 * was unreachable, slow, throttling or failing: 408, 429, 5xx).
 */
export class InfluxTransport implements BatchTransport {
  readonly maxBatch: number;
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #gzip: boolean;
  readonly #timeoutMs: number;

  constructor(options: InfluxTransportOptions) {
    this.#url = writeUrl(options.url);
    const username = options.username ?? urlCredential(this.#url.username);
    const password = options.password ?? urlCredential(this.#url.password);
    this.#url.username = '';
    this.#url.password = '';
    this.#headers = {
      'content-type': 'text/plain; charset=utf-8',
      ...authorization(options.token, username, password),
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
    this.#gzip = options.gzip ?? false;
    this.#timeoutMs = options.timeoutMs ?? SINK_DEFAULTS.timeoutMs;
    this.maxBatch = options.batchSize ?? SINK_DEFAULTS.batchSize.influx;
  }

  /** Where points go (no credentials, no query), for messages. */
  get endpoint(): string {
    return describeEndpoint(this.#url);
  }

  async send(points: readonly MetricPoint[], signal?: AbortSignal): Promise<DeliveryResult> {
    const batch = encodeLineProtocol(points, { precision: 'ms' });
    if (batch.lines.length === 0) return { rejected: batch.rejected };
    const text = `${batch.body}\n`;
    const body = this.#gzip ? new Uint8Array(await gzip(text)) : text;
    const response = await httpPost({
      url: this.#url,
      headers: this.#headers,
      body,
      timeoutMs: this.#timeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (isSuccess(response.status)) return { rejected: batch.rejected };
    if (response.status === 400) {
      const refused = refusedLines(serverText(response.text), batch.lines, points);
      if (refused !== undefined) return { rejected: [...batch.rejected, ...refused].sort(byIndex) };
      const error = statusError(this.endpoint, response);
      throw new TransportError(
        `${error.message}; the store refused the batch without saying which points (some may have been written)`,
        { retryable: false },
      );
    }
    throw statusError(this.endpoint, response);
  }
}

function byIndex(a: Rejection, b: Rejection): number {
  return a.index - b.index;
}

function writeUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SinkConfigError(`influx url is not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SinkConfigError(`influx url must be http(s), not ${url.protocol}`);
  }
  const precision = url.searchParams.get('precision');
  if (precision === null) url.searchParams.set('precision', 'ms');
  else if (precision !== 'ms') {
    throw new SinkConfigError(
      `influx url has precision=${precision}; HealOps writes millisecond timestamps: use precision=ms or leave it out`,
    );
  }
  return url;
}

function urlCredential(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded) || undefined;
  } catch (error) {
    throw new SinkConfigError('influx url: the credentials in it are not valid percent-encoding', {
      cause: error,
    });
  }
}

function authorization(
  token: string | undefined,
  username: string | undefined,
  password: string | undefined,
): Record<string, string> {
  if (token !== undefined && (username !== undefined || password !== undefined)) {
    throw new SinkConfigError('influx: give either a token or username and password, not both');
  }
  if (token !== undefined) return { authorization: `Token ${token}` };
  if (username === undefined && password === undefined) return {};
  if (username === undefined || password === undefined) {
    throw new SinkConfigError('influx: username and password go together');
  }
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/**
 * The points a 400 names, or undefined when the message does not account for every point it refused. InfluxDB
 * writes the other points and lists each unparsable line (`unable to parse '<line>': <reason>`) or reports a field
 * type conflict per measurement (`... on measurement "<name>" ... dropped=<n>`).
 */
function refusedLines(
  message: string,
  lines: readonly LineProtocolLine[],
  points: readonly MetricPoint[],
): Rejection[] | undefined {
  const refused: Rejection[] = [];
  const parseErrors = message.split("unable to parse '").length - 1;
  if (parseErrors > 0) {
    for (const line of lines) {
      const reason = parseFailure(message, line.text);
      if (reason !== undefined)
        refused.push({ index: line.index, reason: `store refused the line: ${reason}` });
    }
    if (refused.length !== parseErrors) return undefined;
  }
  const conflicts = [
    ...message.matchAll(/field type conflict: input field "[^"]*" on measurement "([^"]*)"/g),
  ];
  if (conflicts.length > 0) {
    const dropped = /dropped=(\d+)/.exec(message);
    const names = new Set(conflicts.map((match) => match[1]));
    const before = refused.length;
    for (const line of lines) {
      if (names.has(points[line.index]?.name)) {
        refused.push({ index: line.index, reason: `store refused the point: ${conflictReason(message)}` });
      }
    }
    if (dropped === null || Number(dropped[1]) !== refused.length - before) return undefined;
  }
  return refused.length > 0 ? refused : undefined;
}

function parseFailure(message: string, line: string): string | undefined {
  const marker = `unable to parse '${line}': `;
  const at = message.indexOf(marker);
  if (at === -1) return undefined;
  const reason = message.slice(at + marker.length).split('\n')[0] ?? '';
  return reason.replace(/ dropped=\d+$/, '').trim();
}

function conflictReason(message: string): string {
  return /field type conflict[^\n]*?(?= dropped=\d+|\n|$)/.exec(message)?.[0] ?? 'field type conflict';
}
