import { sortTime, type TimedLine } from './timed-lines.js';

/** One log's lines, named. */
export interface NamedLines {
  readonly instance: string;
  readonly lines: readonly TimedLine[];
}

/**
 * Several logs as one, by time, each log's own order kept (a merge, not a sort: a line never moves above
 * a line of its own log). Equal times keep the order the logs are given in.
 */
export function interleave(logs: readonly NamedLines[]): { instance: string; line: TimedLine }[] {
  const next = logs.map(() => 0);
  const merged: { instance: string; line: TimedLine }[] = [];
  for (;;) {
    let pick = -1;
    let pickTime = Number.POSITIVE_INFINITY;
    logs.forEach((log, index) => {
      const line = log.lines[next[index] ?? 0];
      if (line !== undefined && (pick === -1 || sortTime(line) < pickTime)) {
        pick = index;
        pickTime = sortTime(line);
      }
    });
    const log = logs[pick];
    if (log === undefined) return merged;
    const at = next[pick] ?? 0;
    merged.push({ instance: log.instance, line: log.lines[at] as TimedLine });
    next[pick] = at + 1;
  }
}
