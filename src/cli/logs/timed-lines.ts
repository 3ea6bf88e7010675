import { lineTime } from './line-time.js';

/** A line with the time it is taken to have: its own, else the line above's (a stack trace's lines). */
export interface TimedLine {
  readonly line: string;
  /** Epoch ms, or undefined before the first line that carries a time. */
  readonly time: number | undefined;
  /** For a line with no time: the latest it can have been written (the next time below, or the file's last change). */
  readonly latest: number;
}

/** Times for the lines of one log, oldest first; `lastChange` is the file's mtime. */
export function timeLines(lines: readonly string[], lastChange: number): TimedLine[] {
  const own = lines.map(lineTime);
  const firstTime = own.find((time) => time !== undefined);
  let carried: number | undefined;
  return lines.map((line, index) => {
    carried = own[index] ?? carried;
    return { line, time: carried, latest: carried ?? firstTime ?? lastChange };
  });
}

/**
 * The lines from `since` on. A line with no time is kept unless it is known to be older: lines before the
 * first time in the log are no newer than it (or than the file's last change, when no line has a time).
 */
export function linesSince(lines: readonly TimedLine[], since: number): TimedLine[] {
  return lines.filter((line) => (line.time ?? line.latest) >= since);
}

/** The time a line sorts by when logs are merged: its own or carried time, else the latest it can be. */
export function sortTime(line: TimedLine): number {
  return line.time ?? line.latest;
}
