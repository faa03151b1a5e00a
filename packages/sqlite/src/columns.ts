import { HealOpsError } from '@healops/core';
import { SqliteStoreError } from './errors.js';

/** ISO-8601 text → epoch milliseconds for an INTEGER column; rejects unparsable times. */
export function isoToEpochMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) {
    throw new SqliteStoreError(`${what}: invalid time ${JSON.stringify(iso)}`);
  }
  return ms;
}

export function dateToEpochMs(date: Date, what: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) {
    throw new SqliteStoreError(`${what}: invalid date`);
  }
  return ms;
}

export function epochMsToIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toJsonText(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new SqliteStoreError(`${what}: value cannot be stored as JSON`, { cause: error });
  }
}

/** Parses a JSON column and checks its shape; a mismatch means the row is corrupt. */
export function fromJsonText<T>(text: string, guard: (value: unknown) => value is T, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SqliteStoreError(`${what}: stored JSON is unreadable`, { cause: error });
  }
  if (!guard(value)) {
    throw new SqliteStoreError(`${what}: stored JSON has an unexpected shape`);
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new SqliteStoreError(`${what}: unexpected stored value ${JSON.stringify(value)}`);
  }
  return found;
}

/** Rethrows HealOps errors as they are and wraps anything else (SqliteError, I/O) in SqliteStoreError. */
export function wrapError(operation: string, error: unknown): HealOpsError {
  if (error instanceof HealOpsError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SqliteStoreError(`sqlite store: ${operation} failed: ${message}`, { cause: error });
}
