import type { MetricPoint } from '@healops/core';
import { epochMsToIso, fromJsonText, isoToEpochMs, isStringRecord } from './columns.js';
import { SqliteStoreError } from './errors.js';

/** One row of metric_point as better-sqlite3 returns it (without the id). */
export interface MetricPointRow {
  readonly time: number;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly dimensions: string;
  readonly package: string | null;
  readonly check_name: string | null;
}

/**
 * JSON text of the dimensions with keys in code-unit order, so equal dimension sets always give equal text
 * (the unique index over time, name and this key makes duplicate writes no-ops).
 */
export function canonicalDimensions(dimensions: Readonly<Record<string, string>>): string {
  const keys = Object.keys(dimensions).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const members = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(dimensions[key])}`);
  return `{${members.join(',')}}`;
}

export function metricPointToRow(point: MetricPoint): MetricPointRow {
  const what = `metric point ${point.name}`;
  if (!Number.isFinite(point.value)) {
    throw new SqliteStoreError(`${what}: value ${point.value} is not a finite number`);
  }
  if (!isStringRecord(point.dimensions)) {
    throw new SqliteStoreError(`${what}: dimension values must be strings`);
  }
  return {
    time: isoToEpochMs(point.time, what),
    name: point.name,
    value: point.value,
    unit: point.unit,
    dimensions: canonicalDimensions(point.dimensions),
    package: point.dimensions.package ?? null,
    check_name: point.dimensions.check ?? null,
  };
}

export function rowToMetricPoint(row: MetricPointRow): MetricPoint {
  return {
    time: epochMsToIso(row.time),
    name: row.name,
    value: row.value,
    unit: row.unit,
    dimensions: fromJsonText(row.dimensions, isStringRecord, `metric point ${row.name} dimensions`),
  };
}
