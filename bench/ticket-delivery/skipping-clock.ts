import { performance } from 'node:perf_hooks';
import type { Clock } from '@healops/core';

/**
 * Real time, except that sleeps are skipped: a sleep adds its length to the clock at once. What the deliverer does
 * (HTTP, SQLite) still takes its real time, so now() is what the system clock would read.
 */
export class SkippingClock implements Clock {
  readonly #origin = Date.now();
  readonly #startedAt = performance.now();
  #skippedMs = 0;

  now(): Date {
    return new Date(this.#origin + Math.floor(performance.now() - this.#startedAt + this.#skippedMs));
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.#skippedMs += Math.max(0, ms);
  }
}
