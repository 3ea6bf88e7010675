import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedTicker } from '../../src/supervisor/shared-ticker.js';

describe('a shared ticker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls every callback on one timer, which runs only while something is registered', () => {
    const ticker = new SharedTicker(10_000);
    const calls: string[] = [];
    const stopA = ticker.add(() => calls.push('a'));
    const stopB = ticker.add(() => calls.push('b'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(9_999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['a', 'b']);

    stopA();
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual(['a', 'b', 'b']);
    stopB();
    expect(vi.getTimerCount()).toBe(0);

    ticker.add(() => calls.push('c'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(calls.at(-1)).toBe('c');
  });

  it('lets a callback stop itself while the others are called', () => {
    const ticker = new SharedTicker(1_000);
    const calls: string[] = [];
    const stopSelf: () => void = ticker.add(() => {
      calls.push('once');
      stopSelf();
    });
    ticker.add(() => calls.push('always'));
    vi.advanceTimersByTime(2_000);
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});
