import { apiError, SsmApiError } from './errors.js';
import type { Operation } from './types.js';

/*
 * Injected API faults, per operation: the next N calls throttled (or answered with any error), a fixed latency
 * before every answer, and an optional token-bucket rate limit that throttles like the real service does under load.
 */

interface Bucket {
  readonly perSecond: number;
  readonly burst: number;
  tokens: number;
  refilledAt: number;
}

export class Faults {
  readonly #errors = new Map<Operation, SsmApiError[]>();
  readonly #latency = new Map<Operation, number>();
  readonly #buckets = new Map<Operation, Bucket>();

  /** The next `times` calls of `operation` answer ThrottlingException (HTTP 400). */
  throttle(operation: Operation, times: number): void {
    for (let i = 0; i < times; i++) this.#queue(operation).push(apiError.throttling());
  }

  /** The next `times` calls of `operation` answer this error (default InternalServerError, HTTP 500). */
  fail(
    operation: Operation,
    times: number,
    code = 'InternalServerError',
    message = 'Internal error',
    status = 500,
  ): void {
    for (let i = 0; i < times; i++) this.#queue(operation).push(new SsmApiError(code, message, status));
  }

  /** Every call of `operation` waits `ms` before being answered (0 removes it). */
  latency(operation: Operation, ms: number): void {
    if (ms <= 0) this.#latency.delete(operation);
    else this.#latency.set(operation, ms);
  }

  /** At most `perSecond` calls of `operation` per second (bursts up to `burst`), beyond that ThrottlingException. */
  rateLimit(operation: Operation, perSecond: number, burst = perSecond): void {
    if (perSecond <= 0) this.#buckets.delete(operation);
    else this.#buckets.set(operation, { perSecond, burst, tokens: burst, refilledAt: Date.now() });
  }

  clear(): void {
    this.#errors.clear();
    this.#latency.clear();
    this.#buckets.clear();
  }

  latencyOf(operation: Operation): number {
    return this.#latency.get(operation) ?? 0;
  }

  /** The error this call must answer instead of being served, if any. */
  take(operation: Operation): SsmApiError | undefined {
    const queued = this.#errors.get(operation)?.shift();
    if (queued !== undefined) return queued;
    const bucket = this.#buckets.get(operation);
    if (bucket === undefined) return undefined;
    const now = Date.now();
    bucket.tokens = Math.min(
      bucket.burst,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * bucket.perSecond,
    );
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return apiError.throttling();
    bucket.tokens -= 1;
    return undefined;
  }

  #queue(operation: Operation): SsmApiError[] {
    let queue = this.#errors.get(operation);
    if (queue === undefined) {
      queue = [];
      this.#errors.set(operation, queue);
    }
    return queue;
  }
}
