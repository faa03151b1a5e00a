import type { MetricPoint } from '@healops/core';
import { fromJsonText, isRecord, isStringRecord, toJsonText } from './columns.js';

/** JSON has no NaN or ±Infinity: such values are stored as these strings, so a batch comes back exactly as queued. */
const NON_FINITE = ['NaN', 'Infinity', '-Infinity'] as const;
type NonFinite = (typeof NON_FINITE)[number];

interface StoredPoint {
  readonly time: string;
  readonly name: string;
  readonly value: number | NonFinite;
  readonly unit: string;
  readonly dimensions: Record<string, string>;
}

export function pointsToJson(points: readonly MetricPoint[], what: string): string {
  const stored = points.map(
    (point): StoredPoint => ({
      time: point.time,
      name: point.name,
      value: Number.isFinite(point.value) ? point.value : nonFinite(point.value),
      unit: point.unit,
      dimensions: { ...point.dimensions },
    }),
  );
  return toJsonText(stored, what);
}

export function jsonToPoints(text: string, what: string): MetricPoint[] {
  return fromJsonText(text, isStoredPointArray, what).map((point) => ({
    ...point,
    value: typeof point.value === 'number' ? point.value : Number(point.value),
  }));
}

function nonFinite(value: number): NonFinite {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

function isStoredPointArray(value: unknown): value is StoredPoint[] {
  return Array.isArray(value) && value.every(isStoredPoint);
}

function isStoredPoint(value: unknown): value is StoredPoint {
  return (
    isRecord(value) &&
    typeof value.time === 'string' &&
    typeof value.name === 'string' &&
    (typeof value.value === 'number' || NON_FINITE.some((text) => text === value.value)) &&
    typeof value.unit === 'string' &&
    isStringRecord(value.dimensions)
  );
}
