import type { MetricPoint } from '../model/results.js';
import type { DeliveryResult } from './ports.js';

// InfluxDB line protocol: `measurement,tag=v,tag=v value=<float> <timestamp>`, one line per point.
// Escaping follows InfluxDB's own parser (the protocol's owner; VictoriaMetrics reads every case the same except
// the backslash subtleties noted below):
// - measurement: `,` and space are escaped with a backslash;
// - tag keys, tag values, field keys: `,`, `=` and space are escaped;
// - field string values: in double quotes, `"` and `\` escaped;
// - a line ends at a newline, so CR/LF inside any name or value become a space (escaped like one);
// - backslashes are written as they are (the protocol does not require escaping them), except trailing ones: a
//   name or value cannot end in a backslash (it would escape the separator after it; InfluxDB rejects the line),
//   so trailing backslashes are dropped (`C:\` is written as `C:`). A backslash right before a space, comma or
//   equals sign, or a double backslash, is read back unchanged by InfluxDB but differently by VictoriaMetrics,
//   which unescapes `\\` to `\`.
// Points line protocol cannot carry are left out and reported: a non-finite value, an unreadable time, an empty
// name, a name starting with `#` (a comment line) and a tag named `time` (InfluxDB refuses it).

type Rejection = DeliveryResult['rejected'][number];

export interface LineProtocolOptions {
  /** Timestamp precision of the lines (the write URL must say the same: `precision=ms`). */
  readonly precision?: 'ms';
}

export interface LineProtocolLine {
  /** Index of the point in the input. */
  readonly index: number;
  readonly text: string;
}

export interface LineProtocolBatch {
  /** The lines joined by `\n` (no trailing newline); empty when no point could be encoded. */
  readonly body: string;
  /** One entry per encoded point, in input order. */
  readonly lines: readonly LineProtocolLine[];
  /** Points left out because line protocol cannot carry them (non-finite value, bad time, empty name). */
  readonly rejected: readonly Rejection[];
}

/** The one field every line carries. */
export const LINE_PROTOCOL_FIELD = 'value';

/** Encodes points as InfluxDB line protocol; points it cannot represent are left out and reported. */
export function encodeLineProtocol(
  points: readonly MetricPoint[],
  _options: LineProtocolOptions = {},
): LineProtocolBatch {
  const lines: LineProtocolLine[] = [];
  const rejected: Rejection[] = [];
  points.forEach((point, index) => {
    const line = encodePoint(point);
    if (typeof line === 'string') lines.push({ index, text: line });
    else rejected.push({ index, reason: line.reason });
  });
  return { body: lines.map((line) => line.text).join('\n'), lines, rejected };
}

function encodePoint(point: MetricPoint): string | { reason: string } {
  if (!Number.isFinite(point.value)) {
    return { reason: `value ${point.value} is not representable in line protocol` };
  }
  const time = Date.parse(point.time);
  if (Number.isNaN(time)) return { reason: `invalid time ${JSON.stringify(point.time)}` };
  const measurement = escapeMeasurement(point.name);
  if (measurement === '') return { reason: 'empty metric name' };
  if (measurement.startsWith('#')) {
    return { reason: `metric name ${JSON.stringify(point.name)} starts with # (a comment in line protocol)` };
  }
  const pairs = lineTags(point);
  if (pairs.some(([key]) => key === 'time')) {
    return { reason: 'InfluxDB refuses a tag named "time"' };
  }
  const tags = pairs.map(([key, value]) => `,${key}=${value}`).join('');
  return `${measurement}${tags} ${LINE_PROTOCOL_FIELD}=${formatFloat(point.value)} ${Math.trunc(time)}`;
}

/** Escaped tag pairs, sorted by key (InfluxDB's order), without empty keys or values; `unit` from the point. */
function lineTags(point: MetricPoint): Array<[string, string]> {
  const raw: Record<string, string> = { ...point.dimensions };
  if (point.unit !== '') raw.unit = point.unit;
  const tags = new Map<string, string>();
  for (const [rawKey, rawValue] of Object.entries(raw).sort(([a], [b]) => compareCodePoints(a, b))) {
    const key = escapeTagPart(rawKey);
    const value = escapeTagPart(rawValue);
    // Two keys may become one after newlines are folded; the first (in key order) wins.
    if (key !== '' && value !== '' && !tags.has(key)) tags.set(key, value);
  }
  return [...tags];
}

/** Escapes a measurement: `,` and space. */
export function escapeMeasurement(name: string): string {
  return clean(name).replace(/[, ]/g, '\\$&');
}

/** Escapes a tag key, tag value or field key: `,`, `=` and space. */
export function escapeTagPart(text: string): string {
  return clean(text).replace(/[,= ]/g, '\\$&');
}

/** A field string value: double-quoted, `"` and `\` escaped, newlines folded to spaces. */
export function quoteFieldString(text: string): string {
  return `"${text.replace(/\r\n|[\r\n]/g, ' ').replace(/["\\]/g, '\\$&')}"`;
}

/** Newlines become spaces; trailing backslashes are dropped (see the file comment). */
function clean(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ').replace(/\\+$/, '');
}

/** A float field: JavaScript's shortest round-trip form (`1`, `0.25`, `1e+21`) is valid line protocol. */
function formatFloat(value: number): string {
  return String(value);
}

/** Orders strings by Unicode code point, which is the UTF-8 byte order InfluxDB sorts tags by. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
