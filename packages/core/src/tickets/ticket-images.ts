import { type RouteDelivery, TICKET_DELIVERY_DEFAULTS } from './deliver-tickets.js';
import { graphObjectKey } from './graph-widget.js';
import type { TicketRecord, TicketSendContext, TicketTransport } from './ports.js';
import type { TicketEvent } from './ticket-event.js';

// Graph images for tickets. Before a `trigger` or `update` without an image goes out, the delivery asks a
// TicketImages port (CloudWatch + S3 on AWS) for the URL of one. An image is a nicety: asking is bounded in time,
// and any failure or a slow answer sends the ticket without one (the reason goes to an observer) — it never blocks
// or fails a delivery. One answer per ticket action is kept, so every route and every retry of the action links
// the same image, and an answer that arrives after the time bound is used by the next try.

/** Makes the image of a ticket action and returns its HTTPS URL, or undefined when the event has none. */
export interface TicketImages {
  imageFor(event: TicketEvent, signal?: AbortSignal): Promise<string | undefined>;
}

export interface TicketImageOptions {
  readonly images: TicketImages;
  /** Longest a send waits for the image (default 5 s); the image may still arrive for a later try. */
  readonly timeoutMs?: number;
  /** A failed image is asked for again after this long (default 1 min). */
  readonly retryFailedAfterMs?: number;
  /** Told why an action goes out without an image. */
  readonly onProblem?: (message: string) => void;
  /** Default: Date.now. */
  readonly now?: () => number;
}

export const TICKET_IMAGE_DEFAULTS = {
  timeoutMs: 5_000,
  retryFailedAfterMs: 60_000,
  /** Answers kept (oldest dropped first): a long-lived container must not grow without bound. */
  cacheSize: 500,
} as const;

interface CachedImage {
  readonly url: Promise<string | undefined>;
  /** When a failure was known (undefined while pending or after success). */
  failedAt?: number;
}

/** Asks for the image of a ticket action once, within a time bound; never rejects (see ticketImageLookup). */
export interface TicketImageLookup {
  readonly timeoutMs: number;
  imageOf(event: TicketEvent, signal?: AbortSignal): Promise<string | undefined>;
}

/**
 * The routes with each transport asking for the graph before a trigger or update goes out. Pass a lookup made once
 * (ticketImageLookup) to keep its answers across rebuilt routes.
 */
export function withTicketImages(
  routes: ReadonlyMap<string, RouteDelivery>,
  images: TicketImageLookup | TicketImageOptions,
): ReadonlyMap<string, RouteDelivery> {
  const lookup = 'imageOf' in images ? images : ticketImageLookup(images);
  return new Map(
    [...routes].map(([route, delivery]) => [
      route,
      { ...delivery, transport: imagedTransport(delivery.transport, lookup) },
    ]),
  );
}

function imagedTransport(inner: TicketTransport, lookup: TicketImageLookup): TicketTransport {
  return {
    ...(inner.ratePerMinute === undefined ? {} : { ratePerMinute: inner.ratePerMinute }),
    ...(inner.secrets === undefined ? {} : { secrets: inner.secrets }),
    // Claims are sized from this: the wait for the image comes before the send.
    maxSendMs: (inner.maxSendMs ?? TICKET_DELIVERY_DEFAULTS.maxSendMs) + lookup.timeoutMs,
    async send(record: TicketRecord, context: TicketSendContext) {
      const { event } = record;
      if (event.action === 'resolve' || event.imageUrl !== undefined) return inner.send(record, context);
      const imageUrl = await lookup.imageOf(event, context.signal);
      return inner.send(
        imageUrl === undefined ? record : { ...record, event: { ...event, imageUrl } },
        context,
      );
    },
  };
}

/**
 * Asks `images` once per ticket action (its dedup key and action id, see graphObjectKey), shared by every route:
 * each call waits at most `timeoutMs` for the answer and never rejects; a failure is reported and asked again
 * after `retryFailedAfterMs`, an answer that comes late is kept for the next call.
 */
export function ticketImageLookup(options: TicketImageOptions): TicketImageLookup {
  const cache = new Map<string, CachedImage>();
  const timeoutMs = options.timeoutMs ?? TICKET_IMAGE_DEFAULTS.timeoutMs;
  const retryAfter = options.retryFailedAfterMs ?? TICKET_IMAGE_DEFAULTS.retryFailedAfterMs;
  const now = options.now ?? Date.now;
  const tell = (message: string): void => {
    try {
      options.onProblem?.(message);
    } catch {
      // Reporting must never break delivery.
    }
  };

  const start = (event: TicketEvent, key: string, name: string): CachedImage => {
    const entry: CachedImage = {
      url: Promise.resolve()
        .then(() => options.images.imageFor(event))
        .catch((error: unknown) => {
          entry.failedAt = now();
          tell(`tickets: no graph image for ${name}: ${messageOf(error)}`);
          return undefined;
        }),
    };
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > TICKET_IMAGE_DEFAULTS.cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done === true) break;
      cache.delete(oldest.value);
    }
    return entry;
  };

  return {
    timeoutMs,
    async imageOf(event, signal) {
      const name = `${event.action} ${event.dedupKey}`;
      const key = graphObjectKey(event);
      let entry = cache.get(key);
      if (entry?.failedAt !== undefined && now() - entry.failedAt >= retryAfter) entry = undefined;
      entry ??= start(event, key, name);
      const outcome = await within(entry.url, timeoutMs, signal);
      if (outcome.timedOut) {
        tell(`tickets: no graph image for ${name} within ${timeoutMs} ms: sent without it`);
        return undefined;
      }
      return outcome.value;
    },
  };
}

type Bounded<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/** The promise's value, or timedOut after `ms` or when `signal` aborts (the promise keeps running). */
async function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Bounded<T>> {
  if (signal?.aborted === true) return { timedOut: true };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
    onAbort = () => resolve({ timedOut: true });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise.then((value): Bounded<T> => ({ timedOut: false, value })), expired]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
