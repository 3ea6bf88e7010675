import { describe, expect, it } from 'vitest';
import { RecentUsage } from '../../src/process/recent-usage.js';
import type { Usage } from '../../src/process/tree-usage.js';

/** A sampler that counts its scans and answers each with a map of its own. */
function countingSampler() {
  const scans: number[][] = [];
  const sample = async (pgids: readonly number[]) => {
    scans.push([...pgids]);
    return new Map<number, Usage>(pgids.map((g) => [g, { cpuPercent: scans.length, memoryBytes: g }]));
  };
  return { scans, sample };
}

describe('RecentUsage, on an injected clock', () => {
  it('gives a sample of the same groups again for a second, then scans anew', async () => {
    let now = 1_000;
    const { scans, sample } = countingSampler();
    const recent = new RecentUsage(sample, () => now);
    const first = await recent.of([7, 3]);
    now += 999;
    expect(await recent.of([3, 7])).toBe(first);
    expect(scans).toHaveLength(1);
    now += 1;
    const next = await recent.of([3, 7]);
    expect(next).not.toBe(first);
    expect(next.get(3)?.cpuPercent).toBe(2);
    expect(scans).toHaveLength(2);
  });

  it('scans at once when the groups changed (a restart, a stop)', async () => {
    const { scans, sample } = countingSampler();
    const recent = new RecentUsage(sample, () => 5_000);
    await recent.of([3, 7]);
    await recent.of([3, 9]);
    await recent.of([3]);
    expect(scans).toEqual([[3, 7], [3, 9], [3]]);
  });

  it('shares one scan between requests that come together', async () => {
    const { scans, sample } = countingSampler();
    const recent = new RecentUsage(sample, () => 5_000);
    const [a, b] = await Promise.all([recent.of([1]), recent.of([1])]);
    expect(a).toBe(b);
    expect(scans).toHaveLength(1);
  });

  it('does not give a failed sample again', async () => {
    let fail = true;
    let calls = 0;
    const recent = new RecentUsage(
      async () => {
        calls++;
        if (fail) throw new Error('EMFILE');
        return new Map<number, Usage>();
      },
      () => 5_000,
    );
    await expect(recent.of([1])).rejects.toThrow('EMFILE');
    fail = false;
    await expect(recent.of([1])).resolves.toEqual(new Map());
    expect(calls).toBe(2);
  });
});
