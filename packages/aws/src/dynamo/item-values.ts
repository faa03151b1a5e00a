import { DynamoStoreError } from './dynamo-store-error.js';

// Readers for stored items: a value of the wrong type means the item is corrupt (or not ours), and the error names
// the item and the attribute, never the value.

export type Item = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(what: string, name: string, expected: string): DynamoStoreError {
  return new DynamoStoreError(`${what}: attribute ${name} is not ${expected}`);
}

export function readString(item: Item, name: string, what: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw bad(what, name, 'a string');
  return value;
}

export function readNullableString(item: Item, name: string, what: string): string | null {
  const value = item[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw bad(what, name, 'a string');
  return value;
}

export function readNumber(item: Item, name: string, what: string): number {
  const value = item[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(what, name, 'a number');
  return value;
}

export function readNullableNumber(item: Item, name: string, what: string): number | null {
  const value = item[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(what, name, 'a number');
  return value;
}

export function readBoolean(item: Item, name: string, what: string): boolean {
  const value = item[name];
  if (typeof value !== 'boolean') throw bad(what, name, 'a boolean');
  return value;
}

export function readNumberList(item: Item, name: string, what: string): number[] {
  const value = item[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number'))
    throw bad(what, name, 'a number list');
  return value.map(Number);
}

export function readStringList(item: Item, name: string, what: string): string[] {
  const value = item[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw bad(what, name, 'a string list');
  return value.map(String);
}

export function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined)
    throw new DynamoStoreError(`${what}: unexpected stored value ${JSON.stringify(value)}`);
  return found;
}

export function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new DynamoStoreError(`${what}: value cannot be stored as JSON`, { cause: error });
  }
}

export function fromJson<T>(text: string, guard: (value: unknown) => value is T, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DynamoStoreError(`${what}: stored JSON is unreadable`, { cause: error });
  }
  if (!guard(value)) throw new DynamoStoreError(`${what}: stored JSON has an unexpected shape`);
  return value;
}

export function dateMs(date: Date, what: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new DynamoStoreError(`${what}: invalid date`);
  return ms;
}

export function isoMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new DynamoStoreError(`${what}: invalid time ${JSON.stringify(iso)}`);
  return ms;
}

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Refuses an item DynamoDB would refuse, with a clear error naming its key, before the SDK call. The size is estimated
 * as the UTF-8 length of the item as JSON: close to DynamoDB's own count (attribute names + values) for these items,
 * whose bulk is text (outputs, ticket events).
 */
export function guardItemSize(item: Item, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
  if (bytes > MAX_ITEM_BYTES) {
    throw new DynamoStoreError(
      `${what} (pk ${String(item.pk)}, sk ${String(item.sk)}) is about ${bytes} bytes: over DynamoDB's 400 KB item limit`,
    );
  }
}
