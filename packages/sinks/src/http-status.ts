import { TransportError } from '@healops/core';
import type { HttpPostResponse } from './http-post.js';

// How an HTTP status from a time-series store maps to TransportError. Only a refusal of the data itself (400, 422)
// drops points; 413 asks for smaller chunks; everything else (down, throttled, wrong credentials or URL, redirected)
// keeps the points for a later try, with a hint, so fixing a misconfiguration loses nothing.

/** Longest server message quoted in an error. */
const MAX_MESSAGE = 500;

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Statuses that say the batch's data is bad: trying it again cannot help. */
export function refusesData(status: number): boolean {
  return status === 400 || status === 422;
}

export function isRetryableStatus(status: number): boolean {
  return !refusesData(status) && status !== 413;
}

/** The TransportError for a response that is not a success; `where` is from describeEndpoint. */
export function statusError(
  where: string,
  response: HttpPostResponse,
  now: Date = new Date(),
): TransportError {
  const { status } = response;
  const parts = [`HTTP ${status} from ${where}`];
  const hint = statusHint(response);
  if (hint) parts.push(hint);
  const message = serverMessage(response.text);
  if (message) parts.push(`server said: ${message}`);
  const retryable = isRetryableStatus(status);
  const after = retryable ? retryAfter(response.headers.get('retry-after'), now) : undefined;
  if (after !== undefined) parts.push(`retry after ${Math.ceil(after / 1000)} s (Retry-After)`);
  return new TransportError(parts.join('; '), {
    retryable,
    tooLarge: status === 413,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
  });
}

function statusHint(response: HttpPostResponse): string | undefined {
  const { status } = response;
  if (status === 401 || status === 403) return 'the store refused the credentials (token, username/password)';
  if (status === 404) return 'not found: check the URL (path, database, bucket, org)';
  if (status === 413)
    return 'request too large: HealOps sends smaller chunks (lower batchSize to avoid this)';
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return `redirected${location ? ` to ${safeLocation(location)}` : ''}: configure the final URL`;
  }
  return undefined;
}

/** A redirect's target, safe for messages (no credentials, no query). */
export function safeLocation(location: string): string {
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'another URL';
  }
}

/**
 * The readable part of an error body: InfluxDB 1.x `{"error": "..."}`, 2.x `{"message": "..."}`, OpenTSDB
 * `{"error": {"message": "..."}}`, or the text itself; whitespace folded, cut at MAX_MESSAGE characters.
 */
export function serverMessage(text: string): string {
  const folded = serverText(text).replace(/\s+/g, ' ').trim();
  return folded.length > MAX_MESSAGE ? `${folded.slice(0, MAX_MESSAGE)}…` : folded;
}

/** The message of an error body as the server wrote it (whole, newlines kept). */
export function serverText(text: string): string {
  try {
    return pickMessage(JSON.parse(text)) ?? text;
  } catch {
    return text; // not JSON: the text is the message
  }
}

function pickMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['error', 'message']) {
    const value = record[key];
    if (typeof value === 'string') return value;
    const nested = pickMessage(value);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Retry-After in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
