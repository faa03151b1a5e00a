import type { Clock } from '@healops/core';

/** Wall-clock time; sleep ends early (without throwing) when the signal aborts. */
export const lambdaClock: Clock = {
  now: () => new Date(),
  sleep(ms, signal) {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};
