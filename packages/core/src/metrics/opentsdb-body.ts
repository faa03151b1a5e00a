import type { MetricPoint } from '../model/results.js';
import { BASE_DIMENSIONS } from './names.js';
import type { DeliveryResult } from './ports.js';

// The JSON body of OpenTSDB's HTTP /api/put: an array of {metric, timestamp, value, tags}.
// OpenTSDB's rules: metric names, tag keys and tag values hold only a-z A-Z 0-9 - _ . / and Unicode letters (Java's
// Character.isLetter on one UTF-16 unit: letters outside the Basic Multilingual Plane are not allowed); tag values
// are never empty; a point has at least one tag and at most tsd.storage.max_tags (default 8) of them.

type Rejection = DeliveryResult['rejected'][number];

/** OpenTSDB's default tsd.storage.max_tags. */
export const OPENTSDB_MAX_TAGS = 8;

export interface OpenTsdbDatapoint {
  readonly metric: string;
  /** Milliseconds since the epoch (OpenTSDB reads 13-digit timestamps as ms). */
  readonly timestamp: number;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface OpenTsdbBatch {
  readonly body: readonly OpenTsdbDatapoint[];
  /** `body[i]` came from `points[indexes[i]]`. */
  readonly indexes: readonly number[];
  /** Points left out because OpenTSDB cannot take them. */
  readonly rejected: readonly Rejection[];
  /** Points sent without some of their tags (over the limit, or the same key twice after cleaning). */
  readonly droppedTags: ReadonlyArray<{ readonly index: number; readonly tags: readonly string[] }>;
}

export interface OpenTsdbOptions {
  /** The server's tsd.storage.max_tags. */
  readonly maxTags?: number;
}

/** Smallest ms timestamp OpenTSDB does not mistake for seconds (it reads values up to 2^32 - 1 as seconds). */
const MIN_MS_TIMESTAMP = 2 ** 32;

/**
 * Encodes points for /api/put. Tags are the dimensions plus `unit` (when not empty); when there are more than
 * `maxTags`, package, check, target and environment are kept first, then unit, then the others by key.
 */
export function encodeOpenTsdb(points: readonly MetricPoint[], options: OpenTsdbOptions = {}): OpenTsdbBatch {
  const maxTags = options.maxTags ?? OPENTSDB_MAX_TAGS;
  const body: OpenTsdbDatapoint[] = [];
  const indexes: number[] = [];
  const rejected: Rejection[] = [];
  const droppedTags: Array<{ index: number; tags: string[] }> = [];
  points.forEach((point, index) => {
    const reason = invalidReason(point);
    if (reason !== undefined) {
      rejected.push({ index, reason });
      return;
    }
    const { tags, dropped } = openTsdbTags(point, maxTags);
    if (Object.keys(tags).length === 0) {
      rejected.push({ index, reason: 'OpenTSDB needs at least one tag and the point has none' });
      return;
    }
    if (dropped.length > 0) droppedTags.push({ index, tags: dropped });
    body.push({
      metric: sanitizeOpenTsdb(point.name),
      timestamp: Math.trunc(Date.parse(point.time)),
      value: point.value,
      tags,
    });
    indexes.push(index);
  });
  return { body, indexes, rejected, droppedTags };
}

function invalidReason(point: MetricPoint): string | undefined {
  if (!Number.isFinite(point.value)) return `value ${point.value} is not representable in OpenTSDB`;
  const time = Date.parse(point.time);
  if (Number.isNaN(time)) return `invalid time ${JSON.stringify(point.time)}`;
  if (time < MIN_MS_TIMESTAMP)
    return `time ${point.time} is too early for a millisecond timestamp in OpenTSDB`;
  if (sanitizeOpenTsdb(point.name) === '') return 'empty metric name';
  return undefined;
}

function openTsdbTags(
  point: MetricPoint,
  maxTags: number,
): { tags: Record<string, string>; dropped: string[] } {
  const raw: Record<string, string> = { ...point.dimensions };
  if (point.unit !== '') raw.unit = point.unit;
  const priority: readonly string[] = [...BASE_DIMENSIONS, 'unit'];
  const keys = Object.keys(raw).sort((a, b) => {
    const pa = priority.indexOf(a);
    const pb = priority.indexOf(b);
    if (pa !== pb) return (pa === -1 ? priority.length : pa) - (pb === -1 ? priority.length : pb);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  // A Map, then fromEntries: a key such as `__proto__` stays an ordinary tag.
  const tags = new Map<string, string>();
  const dropped: string[] = [];
  for (const rawKey of keys) {
    const key = sanitizeOpenTsdb(rawKey);
    const value = sanitizeOpenTsdb(raw[rawKey] ?? '');
    if (key === '' || value === '') continue;
    if (tags.has(key) || tags.size >= maxTags) {
      dropped.push(rawKey);
      continue;
    }
    tags.set(key, value);
  }
  return { tags: Object.fromEntries(tags), dropped };
}

/** Replaces every character OpenTSDB does not allow in names, tag keys and tag values with `_`. */
export function sanitizeOpenTsdb(text: string): string {
  let out = '';
  for (const char of text) {
    out += isOpenTsdbChar(char) ? char : '_';
  }
  return out;
}

function isOpenTsdbChar(char: string): boolean {
  if (/^[A-Za-z0-9._/-]$/.test(char)) return true;
  // Java's Character.isLetter(char) sees one UTF-16 unit: only letters of the Basic Multilingual Plane pass.
  return char.length === 1 && /^\p{L}$/u.test(char);
}
