/**
 * A sliding-window rate limit: at most `limit` sends per `windowMs`. Seeded with the times of sends made before
 * this process started (read from the outbox), so a new process neither bursts past the limit nor waits longer
 * than the window needs.
 */
export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(limit: number, windowMs: number, earlier: readonly Date[] = []) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    for (const time of earlier) this.#times.push(time.getTime());
    this.#times.sort((a, b) => a - b);
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
