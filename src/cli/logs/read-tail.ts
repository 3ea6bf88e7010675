import { stat } from 'node:fs/promises';
import type { LogPosition } from '../../capture/log-tail.js';
import { readLogTail } from '../../capture/log-tail-read.js';
import { linesSince, type TimedLine, timeLines } from './timed-lines.js';

/** Bytes read per line asked for (WSO2 lines are mostly shorter), and at most in all. */
const bytesPerLine = 512;
const maxTailBytes = 16 * 1024 * 1024;

/** Which lines of a log's end to show: the last `count` (Infinity: all read), from `since` on. */
export interface TailRequest {
  readonly count: number;
  readonly since: number | undefined;
}

/**
 * The last lines of a log (the live file, and `.1` when it holds too few) and where the log ended after
 * them, so that a follow goes on from there; undefined when there is no log. Read again if lines arrived
 * meanwhile: then no line is lost or printed twice.
 */
export async function readTail(
  file: string,
  request: TailRequest,
): Promise<{ lines: TimedLine[]; end: LogPosition } | undefined> {
  const maxBytes = Number.isFinite(request.count)
    ? Math.min(request.count * bytesPerLine, maxTailBytes)
    : maxTailBytes;
  for (let attempt = 1; ; attempt++) {
    const before = await stat(file).catch(() => undefined);
    if (before === undefined) return undefined;
    const lines = maxBytes === 0 ? [] : readLogTail(file, maxBytes);
    const after = await stat(file).catch(() => undefined);
    // A busy log may never hold still: then a line may show twice, never not at all.
    if (attempt === 3 || (after?.ino === before.ino && after.size === before.size)) {
      const timed = timeLines(lines, before.mtimeMs);
      const wanted = request.since === undefined ? timed : linesSince(timed, request.since);
      const last = request.count === 0 ? [] : wanted.slice(-request.count);
      return { lines: last, end: { inode: before.ino, offset: before.size } };
    }
  }
}
