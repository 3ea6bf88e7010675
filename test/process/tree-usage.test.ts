import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuPercent, treeUsage, type Usage } from '../../src/process/tree-usage.js';
import { waitFor } from '../helpers/wait-for.js';

describe('cpuPercent', () => {
  it('is the share of one core used between two readings (100 ticks a second)', () => {
    expect(cpuPercent({ ticks: 350, at: 12 }, { ticks: 300, at: 11 }, 0)).toBe(50);
    expect(cpuPercent({ ticks: 500, at: 12 }, { ticks: 300, at: 11 }, 0)).toBe(200);
  });

  it('counts from the start of the process without an earlier reading', () => {
    expect(cpuPercent({ ticks: 100, at: 14 }, undefined, 10)).toBe(25);
  });

  it('is 0 for readings at the same moment, never negative', () => {
    expect(cpuPercent({ ticks: 100, at: 10 }, { ticks: 90, at: 10 }, 0)).toBe(0);
    expect(cpuPercent({ ticks: 80, at: 11 }, { ticks: 90, at: 10 }, 0)).toBe(0);
  });
});

/** Each process in a group of its own, as an instance's run is. */
describe('treeUsage of real process groups', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone (the group that ends by itself).
      }
    }
  });

  const group = (command: string, args: string[]) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    children.push(child);
    return child.pid as number;
  };

  it('finds a busy loop using CPU and a sleeper using none, each with its resident memory', async () => {
    const busy = group(process.execPath, ['-e', 'for (;;) {}']);
    const idle = group('sleep', ['60']);
    let usage = new Map<number, Usage>();
    // The busy loop's share since the last reading: at least a tenth of a core, even on a loaded machine.
    // The sleeper's memory too: on a loaded machine it may not have run since its exec at the first look.
    await waitFor(
      'the busy loop to show CPU and the sleeper memory',
      async () => {
        usage = await treeUsage([busy, idle]);
        return (usage.get(busy)?.cpuPercent ?? 0) > 10 && (usage.get(idle)?.memoryBytes ?? 0) > 0;
      },
      20_000,
    );
    expect(usage.get(busy)?.memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage.get(idle)?.cpuPercent).toBeLessThan(5);
    expect(usage.get(idle)?.memoryBytes).toBeGreaterThan(0);
  });

  it('has nothing for a group with no process left', async () => {
    const gone = group('true', []);
    await waitFor('the group to end', async () => !(await treeUsage([gone])).has(gone), 10_000);
    expect((await treeUsage([gone])).size).toBe(0);
  });
});
