import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchApiError } from './errors.js';
import { solidPng } from './png.js';
import { type CheckedWidget, checkWidget } from './widget-check.js';

/*
 * A protocol-level CloudWatch emulator for GetMetricWidgetImage only, driven by the real @aws-sdk/client-cloudwatch:
 * a loopback HTTP server speaking AWS JSON 1.0 as the SDK does (POST / with
 * `X-Amz-Target: GraniteServiceVersion20100801.GetMetricWidgetImage`, `Content-Type: application/x-amz-json-1.0`
 * and a SigV4 Authorization header, present but not verified). It checks the MetricWidget (widget-check.ts) and
 * OutputFormat (png only here), and answers `{"MetricWidgetImage": <base64 PNG of the widget's size>}`. Tests can
 * make the next calls fail (any code and HTTP status) or every call slow.
 */

export { CloudWatchApiError } from './errors.js';
export { PNG_SIGNATURE, pngSize, solidPng } from './png.js';
export { type CheckedWidget, checkWidget, WIDGET_LIMITS } from './widget-check.js';

export const JSON_10 = 'application/x-amz-json-1.0';
export const GET_METRIC_WIDGET_IMAGE_TARGET = 'GraniteServiceVersion20100801.GetMetricWidgetImage';

export interface CloudWatchEmulator {
  readonly endpoint: string;
  /** Widgets of the calls answered with an image, in order. */
  readonly widgets: readonly CheckedWidget[];
  /** Requests received (answered or not). */
  readonly calls: number;
  /** The next `count` valid calls are answered with this error (default a 500 InternalServiceError). */
  failNext(count: number, error?: CloudWatchApiError): void;
  /** Every call waits this long before it is answered (0: none). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startCloudWatchEmulator(): Promise<CloudWatchEmulator> {
  const widgets: CheckedWidget[] = [];
  const faults: CloudWatchApiError[] = [];
  let latencyMs = 0;
  let calls = 0;

  const answer = async (req: IncomingMessage, body: string): Promise<unknown> => {
    envelope(req);
    const request = parseBody(body);
    const checked = checkWidget(request.MetricWidget);
    const format = request.OutputFormat ?? 'png';
    if (format !== 'png') {
      throw new CloudWatchApiError(
        'InvalidParameterValue',
        `OutputFormat ${String(format)} is not emulated (png only)`,
      );
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = faults.shift();
    if (fault !== undefined) throw fault;
    widgets.push(checked);
    return { MetricWidgetImage: solidPng(checked.width, checked.height).toString('base64') };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    calls++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let status = 200;
    let payload: unknown;
    const headers: Record<string, string> = { 'content-type': JSON_10, 'x-amzn-requestid': randomUUID() };
    try {
      payload = await answer(req, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      const apiError =
        error instanceof CloudWatchApiError
          ? error
          : new CloudWatchApiError('InternalServiceError', 'Internal error', 500);
      if (!(error instanceof CloudWatchApiError)) console.error('CloudWatch emulator bug:', error);
      status = apiError.status;
      payload = { __type: apiError.code, message: apiError.message };
      headers['x-amzn-query-error'] = `${apiError.code};${apiError.status >= 500 ? 'Receiver' : 'Sender'}`;
    }
    if (res.destroyed) return;
    const text = JSON.stringify(payload);
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    widgets,
    get calls() {
      return calls;
    },
    failNext(count, error = new CloudWatchApiError('InternalServiceError', 'Internal error', 500)) {
      for (let i = 0; i < count; i++) faults.push(error);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function envelope(req: IncomingMessage): void {
  if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
    throw new CloudWatchApiError('UnknownOperationException', 'Only POST / is served', 404);
  }
  if (req.headers.authorization === undefined) {
    throw new CloudWatchApiError('MissingAuthenticationToken', 'Missing Authentication Token', 403);
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target !== GET_METRIC_WIDGET_IMAGE_TARGET) {
    throw new CloudWatchApiError(
      'UnknownOperationException',
      `Operation ${target || '(no X-Amz-Target)'} is not emulated`,
    );
  }
  if (req.headers['content-type'] !== JSON_10) {
    throw new CloudWatchApiError('SerializationException', `Content-Type must be ${JSON_10}`);
  }
}

function parseBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new CloudWatchApiError('SerializationException', 'The request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CloudWatchApiError('SerializationException', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
