import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * The log writer's own report of how capture goes, in `<logFile>.capture.json`. The writer rewrites it only
 * when its state changes (and at most once a second while it fails, to update the count of lost bytes), so
 * it costs nothing on the hot path. `since` is when the current state began.
 */
export interface CaptureStatus {
  /** The writer. `writing` or `failing` from a pid that is gone means the writer was killed. */
  readonly pid: number;
  /** `closed`: the writer reached the end of the output (every writer of the pipe is gone) and exited. */
  readonly state: 'writing' | 'failing' | 'closed';
  /** What is failing, as a sentence fragment: "the log could not be opened (EISDIR: ...)". */
  readonly error?: string;
  /** Output drained and thrown away since the writer started, because it could not be written. */
  readonly droppedBytes: number;
  readonly since: string;
}

export const statusFileOf = (logFile: string): string => `${logFile}.capture.json`;

/** Bytes the status file had after the last write, per file: an in-place rewrite pads to at least that. */
const writtenLength = new Map<string, number>();

/**
 * Atomic when the folder allows it (write a temporary file, rename it over). When it does not (the very
 * failures the status is about: a folder made read-only, a full disk), the existing file is overwritten in
 * place through a path that needs no new directory entry and, for a same-size text, no new block. Such a
 * rewrite may be read half-done: readers retry on a parse error.
 */
export function writeCaptureStatus(file: string, status: CaptureStatus): void {
  const text = `${JSON.stringify(status)}\n`;
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, file);
    writtenLength.set(file, text.length);
    return;
  } catch {
    rmSync(temporary, { force: true });
  }
  try {
    const padded = text.padEnd(writtenLength.get(file) ?? 0, ' ');
    const fd = openSync(file, 'r+');
    try {
      writeSync(fd, padded, 0);
    } finally {
      closeSync(fd);
    }
    writtenLength.set(file, padded.length);
  } catch {
    // Nowhere to report to: the supervisor sees a missing or stale status next to a missing or stale log.
  }
}

/** The writer's last report for `logFile`, or undefined when there is none (or it cannot be read). */
export async function readCaptureStatus(logFile: string): Promise<CaptureStatus | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const text = await readFile(statusFileOf(logFile), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const status = parseStatus(text);
    if (status !== undefined) return status;
  }
  return undefined;
}

function parseStatus(text: string): CaptureStatus | undefined {
  try {
    const value = JSON.parse(text) as Partial<CaptureStatus> | null;
    const states: readonly unknown[] = ['writing', 'failing', 'closed'];
    if (typeof value?.pid !== 'number' || !states.includes(value.state)) return undefined;
    if (typeof value.droppedBytes !== 'number' || typeof value.since !== 'string') return undefined;
    return value as CaptureStatus;
  } catch {
    return undefined;
  }
}
