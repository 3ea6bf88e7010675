/**
 * Time as the engine sees it: injected, so that timeouts, backoff and health limits are tested on a fake
 * clock in milliseconds (test/helpers/fake-clock.ts) instead of being slept through.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` after `ms`; the returned function cancels it. Never keeps the process alive alone. */
  after(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after: (ms, callback) => {
    // A zero delay runs on the next turn of the loop, not after a timer's minimum of 1 ms.
    if (ms <= 0) {
      const immediate = setImmediate(callback);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
