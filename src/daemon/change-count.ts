import type { EventEmitter } from 'node:events';

/**
 * Counts the fleet's changes, for followers (`up -d`'s progress) that ask for the status once it has
 * changed instead of polling: they see each change when it happens, and cost nothing in between.
 */
export class ChangeCount {
  count = 0;
  private waiters: (() => void)[] = [];

  constructor(fleet: EventEmitter) {
    fleet.on('change', () => {
      this.count++;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** Settles once the count is above `seen`, or after `timeoutMs`. */
  after(seen: number, timeoutMs: number): Promise<void> {
    if (this.count > seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
