import type { MetricPoint } from '../model/results.js';
import { BASE_DIMENSIONS } from './names.js';

/*
 * MetricPoints → Amazon Timestream for LiveAnalytics WriteRecords batches (pure: no AWS import; the types below are
 * shaped like the SDK's `_Record`, `Dimension` and `MeasureValue` so a batch can be handed to WriteRecordsCommand).
 *
 * Data model: every point sharing a time and a set of dimensions (one check result: status, duration and each
 * perfdata label) becomes ONE multi-measure record named `healops`, with one DOUBLE measure per metric. Single points
 * are written the same way, so a metric is always the same column whatever else was measured with it:
 *
 *   SELECT time, target, check_status, check_duration_ms FROM healops.results WHERE measure_name = 'healops'
 *
 * Measure names are the metric names without the `healops.` prefix, every character other than [A-Za-z0-9_] folded
 * to `_` (`healops.check.status` → `check_status`, `healops.perf.C:_Used` → `perf_C__Used`): colons are not allowed
 * in Timestream column names and dots would have to be quoted in every query.
 *
 * Idempotency: every record carries Version 1 (in CommonAttributes). Timestream rejects a record only when a record
 * with the same dimensions, time and measure name already exists with a DIFFERENT value and a version that is not
 * lower; a byte-identical re-write (a batch resent after a timeout) is accepted and stored once. A different value
 * for an existing record is refused with its ExistingVersion (first write wins, nothing is counted twice).
 */

/** Service limits of Timestream for LiveAnalytics writes (developer guide, "Quotas"), checked before sending. */
export const TIMESTREAM_LIMITS = {
  recordsPerWrite: 100,
  /** Bytes per record: time (8) + dimension names and values + measure name + measure names and values. */
  recordBytes: 2048,
  dimensionNameBytes: 60,
  /** Dimension name/value pairs of one series. */
  dimensionPairBytes: 2048,
  /** Dimensions per table (so per record, at most). */
  dimensions: 128,
  measureNameBytes: 256,
  measuresPerRecord: 256,
  /** Measure values per multi-measure record (a DOUBLE counts 8 bytes). */
  measureValueBytes: 2048,
} as const;

/** Version every record is written with: a resent identical record is accepted, a different value is refused. */
export const TIMESTREAM_RECORD_VERSION = 1;

/** measure_name of the multi-measure records HealOps writes; overflow records are `healops_2`, `healops_3`, … */
export const TIMESTREAM_MEASURE_NAME = 'healops';

/** Column names Timestream reserves; names may also not start with these prefixes. */
const RESERVED_NAMES = ['time', 'measure_value', 'measure_name', 'ts_non_existent_col'] as const;
const RESERVED_PREFIXES = ['ts_', 'measure_name', 'measure_value'] as const;

/** Timestream counts 8 bytes for a timestamp and for a DOUBLE measure value. */
const TIME_BYTES = 8;
const DOUBLE_BYTES = 8;

export interface TimestreamDimension {
  Name: string;
  Value: string;
  DimensionValueType?: 'VARCHAR';
}

export interface TimestreamMeasureValue {
  Name: string;
  Value: string;
  Type: 'DOUBLE';
}

export interface TimestreamRecord {
  Dimensions?: TimestreamDimension[];
  MeasureName?: string;
  MeasureValueType?: 'MULTI';
  MeasureValues?: TimestreamMeasureValue[];
  /** Milliseconds since the epoch, as a string. */
  Time?: string;
  TimeUnit?: 'MILLISECONDS';
  Version?: number;
}

/** One WriteRecords call's worth: CommonAttributes, at most 100 records, and which points each record carries. */
export interface TimestreamWriteBatch {
  readonly commonAttributes: TimestreamRecord;
  readonly records: TimestreamRecord[];
  /** `pointIndexes[i]`: indexes (into the encoded points) of the points record `i` carries. */
  readonly pointIndexes: ReadonlyArray<readonly number[]>;
}

export interface TimestreamEncoding {
  readonly batches: readonly TimestreamWriteBatch[];
  /** Points that cannot be represented in Timestream, with the reason; nothing is sent for them. */
  readonly rejected: ReadonlyArray<{ readonly index: number; readonly reason: string }>;
}

export interface TimestreamEncodeOptions {
  /** Records per WriteRecords call, at most 100 (the default). */
  readonly recordsPerWrite?: number;
  /** measure_name of the multi-measure records (default `healops`). */
  readonly measureName?: string;
}

const utf8 = new TextEncoder();
function bytes(text: string): number {
  return utf8.encode(text).length;
}

/** Why a dimension or measure name is not allowed as a Timestream column name, or null when it is. */
function nameProblem(name: string, maxBytes: number): string | null {
  if (name.length === 0) return 'is empty';
  const size = bytes(name);
  if (size > maxBytes) return `is ${size} bytes (Timestream allows ${maxBytes})`;
  if (name.includes(':')) return 'contains ":" (not allowed in Timestream names)';
  if ((RESERVED_NAMES as readonly string[]).includes(name)) return 'is reserved by Timestream';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) return `starts with "${prefix}" (reserved by Timestream)`;
  return null;
}

/** The Timestream measure (column) name of a HealOps metric: `healops.check.status` → `check_status`. */
export function timestreamMeasureName(metric: string): string {
  const bare = metric.startsWith('healops.') ? metric.slice('healops.'.length) : metric;
  return bare.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Base dimensions first (in their documented order), then the others by name. */
function orderDimensions(dimensions: Readonly<Record<string, string>>): TimestreamDimension[] {
  const base = BASE_DIMENSIONS as readonly string[];
  const names = Object.keys(dimensions).sort((a, b) => {
    const ia = base.indexOf(a);
    const ib = base.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? base.length : ia) - (ib === -1 ? base.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: TimestreamDimension[] = [];
  for (const name of names) {
    const value = dimensions[name];
    // Timestream refuses empty dimension values; an absent dimension reads the same (NULL) in queries.
    if (value !== undefined && value !== '') out.push({ Name: name, Value: value });
  }
  return out;
}

interface Prepared {
  readonly index: number;
  readonly time: string;
  readonly dimensions: TimestreamDimension[];
  readonly dimensionBytes: number;
  readonly measure: TimestreamMeasureValue;
  readonly metric: string;
}

type Preparation = { readonly ok: Prepared } | { readonly reason: string };

function prepare(point: MetricPoint, index: number): Preparation {
  const ms = Date.parse(point.time);
  if (Number.isNaN(ms)) return { reason: `time ${JSON.stringify(point.time)} is not an ISO-8601 timestamp` };
  if (!Number.isFinite(point.value))
    return { reason: `value ${point.value} cannot be stored as a Timestream DOUBLE` };
  const dimensions = orderDimensions(point.dimensions);
  if (dimensions.length === 0)
    return { reason: 'no dimension with a value (Timestream needs at least one per record)' };
  if (dimensions.length > TIMESTREAM_LIMITS.dimensions)
    return {
      reason: `${dimensions.length} dimensions (Timestream allows ${TIMESTREAM_LIMITS.dimensions})`,
    };
  let dimensionBytes = 0;
  for (const d of dimensions) {
    const problem = nameProblem(d.Name, TIMESTREAM_LIMITS.dimensionNameBytes);
    if (problem !== null) return { reason: `dimension name ${JSON.stringify(d.Name)} ${problem}` };
    dimensionBytes += bytes(d.Name) + bytes(d.Value);
  }
  if (dimensionBytes > TIMESTREAM_LIMITS.dimensionPairBytes)
    return {
      reason: `dimensions take ${dimensionBytes} bytes (Timestream allows ${TIMESTREAM_LIMITS.dimensionPairBytes} per series)`,
    };
  const name = timestreamMeasureName(point.name);
  const problem = nameProblem(name, TIMESTREAM_LIMITS.measureNameBytes);
  if (problem !== null)
    return { reason: `measure name ${JSON.stringify(name)} (from ${point.name}) ${problem}` };
  if (dimensions.some((d) => d.Name === name))
    return {
      reason: `measure name ${JSON.stringify(name)} (from ${point.name}) is also a dimension name (Timestream needs distinct column names)`,
    };
  return {
    ok: {
      index,
      time: String(ms),
      dimensions,
      dimensionBytes,
      measure: { Name: name, Value: String(point.value), Type: 'DOUBLE' },
      metric: point.name,
    },
  };
}

interface Part {
  readonly record: TimestreamRecord & {
    Dimensions: TimestreamDimension[];
    MeasureName: string;
    MeasureValues: TimestreamMeasureValue[];
    Time: string;
  };
  readonly points: number[];
  size: number;
}

/** A multi-measure record's size as Timestream meters it. */
function partBase(measureName: string, first: Prepared): Part {
  return {
    record: {
      Dimensions: first.dimensions,
      MeasureName: measureName,
      MeasureValueType: 'MULTI',
      MeasureValues: [],
      Time: first.time,
    },
    points: [],
    size: TIME_BYTES + first.dimensionBytes + bytes(measureName),
  };
}

function measureBytes(measure: TimestreamMeasureValue): number {
  return bytes(measure.Name) + DOUBLE_BYTES;
}

function fits(part: Part, measure: TimestreamMeasureValue): boolean {
  const values = part.record.MeasureValues;
  return (
    values.length < TIMESTREAM_LIMITS.measuresPerRecord &&
    (values.length + 1) * DOUBLE_BYTES <= TIMESTREAM_LIMITS.measureValueBytes &&
    part.size + measureBytes(measure) <= TIMESTREAM_LIMITS.recordBytes
  );
}

/**
 * Points of one (time, dimensions) group → one record, or more when they exceed 256 measures or 2 KiB
 * (`healops`, `healops_2`, …: distinct measure names, so the parts never collide).
 */
function groupRecords(
  group: readonly Prepared[],
  measureName: string,
  reject: (index: number, reason: string) => void,
): Part[] {
  const parts: Part[] = [];
  /** measure name → where it went and which metric it came from */
  const seen = new Map<string, { part: Part; metric: string; value: string }>();
  for (const p of group) {
    const earlier = seen.get(p.measure.Name);
    if (earlier !== undefined) {
      if (earlier.metric === p.metric && earlier.value === p.measure.Value) {
        earlier.part.points.push(p.index); // the same point twice: stored once
      } else if (earlier.metric !== p.metric) {
        reject(
          p.index,
          `${p.metric} and ${earlier.metric} both map to Timestream measure ${JSON.stringify(p.measure.Name)} at the same time and dimensions`,
        );
      } else {
        reject(
          p.index,
          `${p.metric} has two values (${earlier.value}, ${p.measure.Value}) at the same time and dimensions`,
        );
      }
      continue;
    }
    let part = parts.at(-1);
    if (part === undefined || !fits(part, p.measure)) {
      const candidate = partBase(parts.length === 0 ? measureName : `${measureName}_${parts.length + 1}`, p);
      if (!fits(candidate, p.measure)) {
        reject(
          p.index,
          `a record holding it would be ${candidate.size + measureBytes(p.measure)} bytes (Timestream allows ${TIMESTREAM_LIMITS.recordBytes})`,
        );
        continue;
      }
      parts.push(candidate);
      part = candidate;
    }
    part.record.MeasureValues.push(p.measure);
    part.size += measureBytes(p.measure);
    part.points.push(p.index);
    seen.set(p.measure.Name, { part, metric: p.metric, value: p.measure.Value });
  }
  return parts;
}

function sameDimension(a: TimestreamDimension, b: TimestreamDimension): boolean {
  return a.Name === b.Name && a.Value === b.Value;
}

/** Moves what every record of the batch shares into CommonAttributes. */
function toBatch(parts: readonly Part[]): TimestreamWriteBatch {
  const first = parts[0]?.record;
  const shared = (first?.Dimensions ?? []).filter((d) =>
    parts.every((p) => p.record.Dimensions.some((o) => sameDimension(o, d))),
  );
  const sameName = first !== undefined && parts.every((p) => p.record.MeasureName === first.MeasureName);
  const sameTime = first !== undefined && parts.every((p) => p.record.Time === first.Time);
  const commonAttributes: TimestreamRecord = {
    ...(shared.length > 0 ? { Dimensions: shared } : {}),
    ...(sameName ? { MeasureName: first.MeasureName } : {}),
    MeasureValueType: 'MULTI',
    ...(sameTime ? { Time: first.Time } : {}),
    TimeUnit: 'MILLISECONDS',
    Version: TIMESTREAM_RECORD_VERSION,
  };
  const records = parts.map(({ record }): TimestreamRecord => {
    const own = record.Dimensions.filter((d) => !shared.some((s) => sameDimension(s, d)));
    return {
      ...(own.length > 0 ? { Dimensions: own } : {}),
      ...(sameName ? {} : { MeasureName: record.MeasureName }),
      MeasureValues: record.MeasureValues,
      ...(sameTime ? {} : { Time: record.Time }),
    };
  });
  return { commonAttributes, records, pointIndexes: parts.map((p) => p.points) };
}

/**
 * Maps points to WriteRecords batches, checking every documented limit first: points Timestream would refuse are
 * returned in `rejected` (with the reason) instead of being sent. Deterministic: the same points always give the
 * same records, so a resent batch is an identical re-write.
 */
export function encodeTimestreamRecords(
  points: readonly MetricPoint[],
  options: TimestreamEncodeOptions = {},
): TimestreamEncoding {
  const perWrite = Math.max(
    1,
    Math.min(options.recordsPerWrite ?? TIMESTREAM_LIMITS.recordsPerWrite, TIMESTREAM_LIMITS.recordsPerWrite),
  );
  const measureName = options.measureName ?? TIMESTREAM_MEASURE_NAME;
  const rejected: Array<{ index: number; reason: string }> = [];
  const reject = (index: number, reason: string): void => {
    rejected.push({ index, reason });
  };

  const groups = new Map<string, Prepared[]>();
  points.forEach((point, index) => {
    const prepared = prepare(point, index);
    if ('reason' in prepared) {
      reject(index, prepared.reason);
      return;
    }
    const p = prepared.ok;
    const key = JSON.stringify([p.time, p.dimensions.map((d) => [d.Name, d.Value]).sort()]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [p]);
    else group.push(p);
  });

  const parts = [...groups.values()].flatMap((group) => groupRecords(group, measureName, reject));
  const batches: TimestreamWriteBatch[] = [];
  for (let i = 0; i < parts.length; i += perWrite) batches.push(toBatch(parts.slice(i, i + perWrite)));
  rejected.sort((a, b) => a.index - b.index);
  return { batches, rejected };
}
