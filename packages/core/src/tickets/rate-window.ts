/**
 * A sliding-window rate limit: at most `limit` sends per `windowMs`. Seeded with sends made before this process
 * started (read from the outbox), counted as if made at `start`, so a new process does not burst past the limit.
 */
export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(limit: number, windowMs: number, earlier: number, start: Date) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    for (let i = 0; i < Math.min(earlier, limit); i++) this.#times.push(start.getTime());
  }

  /** How long until a send is allowed (0 = now). */
  waitMs(now: Date): number {
    this.#prune(now);
    if (this.#times.length < this.#limit) return 0;
    const oldest = this.#times[0] ?? now.getTime();
    return Math.max(1, oldest + this.#windowMs - now.getTime());
  }

  record(now: Date): void {
    this.#times.push(now.getTime());
  }

  #prune(now: Date): void {
    while (this.#times.length > 0 && (this.#times[0] ?? 0) <= now.getTime() - this.#windowMs)
      this.#times.shift();
  }
}
