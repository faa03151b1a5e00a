import { EVENT_LIMITS } from './limits.js';

/** The fields of a PutEvents entry that count towards the request size limit. */
export interface PutEventsEntryFields {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail?: string;
  readonly Time?: Date;
  readonly Resources?: readonly string[];
}

const utf8 = new TextEncoder();

function bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Size of a PutEvents entry as EventBridge computes it: Time 14 bytes when set, Source, DetailType, Detail and each
 * Resources entry their UTF-8 bytes (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
 */
export function putEventsEntrySize(entry: PutEventsEntryFields): number {
  let size = entry.Time === undefined ? 0 : 14;
  size += bytes(entry.Source) + bytes(entry.DetailType);
  if (entry.Detail !== undefined) size += bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/**
 * Entries in request-sized groups, in order: at most `entriesPerRequest` each, and a total size under
 * `requestBytes` (a single entry at or over the limit is returned alone; EventBridge will refuse it).
 */
export function putEventsBatches<T>(
  entries: readonly T[],
  sizeOf: (entry: T) => number,
  limits: { readonly entriesPerRequest: number; readonly requestBytes: number } = EVENT_LIMITS,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const entry of entries) {
    const entrySize = sizeOf(entry);
    if (
      current.length > 0 &&
      (current.length >= limits.entriesPerRequest || size + entrySize >= limits.requestBytes)
    ) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entrySize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
