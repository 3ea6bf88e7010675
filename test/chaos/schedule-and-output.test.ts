import { describe, expect, it } from 'vitest';
import { outputProblems } from '../../chaos/output-check.js';
import { drawSchedule } from '../../chaos/schedule.js';

describe('chaos schedule', () => {
  it('is drawn from the seed alone: the same seed replays the same faults, another seed does not', () => {
    expect(drawSchedule(7, 60, 6)).toEqual(drawSchedule(7, 60, 6));
    expect(drawSchedule(8, 60, 6)).not.toEqual(drawSchedule(7, 60, 6));
    const faults = drawSchedule(7, 600, 6);
    expect(faults.every((f) => f.at < 600_000 && f.target >= 0 && f.target < 6)).toBe(true);
    expect(new Set(faults.map((f) => f.kind)).size).toBe(11);
  });
});

describe('lost-output check', () => {
  const at = (s: number) => 1_000_000 + s * 1000;
  const lines = (...pairs: [number, number][]) => pairs.map(([s, n]) => ({ at: at(s), n }));

  it('accepts each JVM numbering from 1 in time order, and a new JVM starting again at 1', () => {
    expect(outputProblems(lines([0, 1], [1, 2], [2, 3], [3, 1], [4, 2]), [], 0)).toEqual([]);
  });

  it('finds a lost line and a repeated one', () => {
    const problems = outputProblems(lines([0, 1], [1, 2], [2, 4], [3, 4]), [], 0);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^lines 3 to 3 lost/);
    expect(problems[1]).toMatch(/^line 4 twice/);
  });

  it('excuses a gap while the capture was failing on purpose, or before the oldest kept rotation', () => {
    const gap = lines([0, 1], [5, 6]);
    expect(outputProblems(gap, [{ from: at(1), to: at(3) }], 0)).toEqual([]);
    expect(outputProblems(gap, [], at(5))).toEqual([]);
    expect(outputProblems(gap, [{ from: at(10), to: at(12) }], 0)).toHaveLength(1);
  });
});
