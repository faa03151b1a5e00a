/**
 * The Timestream Write wire format as the emulator (timestream-emulator.ts) sees it: request and record shapes, the
 * documented limits it enforces, and the per-record validation. Split out so each file holds one thing.
 */
export const TARGET_PREFIX = 'Timestream_20181101.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

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

export type Fault =
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

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class RejectedError extends RequestError {
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
export function checkRecord(common: WireRecord, own: WireRecord, index: number): Checked {
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

export function recordKey(r: StoredRecord): string {
  return JSON.stringify([Object.entries(r.dimensions).sort(), r.measureName, r.time]);
}

export function sameMeasures(a: StoredRecord, b: StoredRecord): boolean {
  const ka = Object.keys(a.measures).sort();
  const kb = Object.keys(b.measures).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => a.measures[k] === b.measures[k]);
}
