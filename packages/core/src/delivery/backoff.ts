import { TransportError } from '../errors.js';

/** The longest anything queued (metric batch, ticket action) waits for its next try: a later time means the clock went backwards. */
export const OUTBOX_MAX_RETRY_WAIT_MS = 60 * 60_000;

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** `baseMs` doubled per attempt after the first, at most `maxMs`. */
export function exponentialDelay(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * How long to wait before the next try after `attempt` failed with `error`: the backoff, scaled by `jitter` (a
 * factor near 1, so many senders do not retry in step), or what the receiver asked for (Retry-After) when longer;
 * never past OUTBOX_MAX_RETRY_WAIT_MS.
 */
export function retryWait(attempt: number, policy: BackoffPolicy, error: unknown, jitter = 1): number {
  const asked = error instanceof TransportError ? (error.retryAfterMs ?? 0) : 0;
  return Math.min(Math.max(exponentialDelay(attempt, policy) * jitter, asked), OUTBOX_MAX_RETRY_WAIT_MS);
}

/** A jitter factor in [1 - spread, 1 + spread) from a [0, 1) random source. */
export function jitterFactor(random: () => number, spread = 0.2): number {
  return 1 - spread + 2 * spread * random();
}
