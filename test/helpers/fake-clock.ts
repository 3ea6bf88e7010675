import type { Clock } from '../../src/supervisor/clock.js';

/**
 * A clock that moves only when told: the engine's timeouts, backoff and health limits run in
 * milliseconds of test time, whatever they are configured to.
 */
export class FakeClock implements Clock {
  private time: number;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(start = Date.UTC(2026, 10, 30, 12)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + Math.max(0, ms), callback, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time on, firing every timer that falls due, in order (timers they set are fired too). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }
}
