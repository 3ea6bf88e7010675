import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

const newline = 0x0a;

/** A log file open for reading, and where in it. */
export interface OpenFile {
  readonly handle: FileHandle;
  readonly inode: number;
  readonly size: number;
  offset: number;
}

/**
 * Opens a log file for reading at `offset`; undefined when it cannot be opened, or is not a file (a folder
 * where the log should be opens, and then fails every read: found by the chaos run).
 */
export async function openAt(path: string, offset: number): Promise<OpenFile | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    return { handle, inode: info.ino, size: info.size, offset };
  } catch {
    await handle.close().catch(() => {});
    return undefined;
  }
}

/**
 * The last lines of an instance's output, from at most `maxBytes` at the end of `name.log` and, when that is
 * shorter, of `name.log.1` before it: a rotation just before an exit does not hide the lines before it. A
 * first line cut by the limit is left out; a last line without its newline is kept. `since`: only the lines
 * from the last one it matches on are wanted (the supervisor's launch marker), so `.1` is not read when
 * the live file has such a line.
 *
 * Synchronous: this is the restart path, a tail of at most 256 KiB the writer has just written (it is in
 * the page cache), and each asynchronous call was a round trip through libuv's thread pool. Four of them
 * took ~0.6 ms of the ~3.5 ms from a crash to the next spawn; the same reads made here take ~0.05 ms.
 */
export function readLogTail(logFile: string, maxBytes: number, since?: (line: string) => boolean): string[] {
  const live = readEnd(logFile, maxBytes);
  const liveLines = linesOf(live?.bytes ?? Buffer.alloc(0), live?.whole ?? true);
  const missing = maxBytes - (live?.bytes.length ?? 0);
  if (missing <= 0 || (since !== undefined && liveLines.some(since))) return liveLines;
  const older = readEnd(`${logFile}.1`, missing);
  // Rotated between the two reads: then `.1` is the file already read as the live one.
  if (older === undefined || older.inode === live?.inode) return liveLines;
  return linesOf(Buffer.concat([older.bytes, live?.bytes ?? Buffer.alloc(0)]), older.whole);
}

/** Text as lines: without the empty one after a final newline, nor a first one cut short (`whole` false). */
function linesOf(bytes: Buffer, whole: boolean): string[] {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (!whole) lines.shift();
  return lines;
}

/**
 * The lines from `from` (a position in the live log, such as where a run's output began) to its end, when
 * the live log is still the file `from` is in and they are at most `maxBytes`; undefined when it was rotated
 * since or they are more: then read the tail. A restart judges the run that ended from its own lines: read
 * so, a few hundred bytes, where the 64 KiB tail took ~0.3 ms to read and split (issue 17).
 */
export function readLinesFrom(
  logFile: string,
  from: { readonly inode: number; readonly offset: number },
  maxBytes: number,
): string[] | undefined {
  const span = readSpan(logFile, ({ ino, size }) =>
    ino === from.inode && size >= from.offset && size - from.offset <= maxBytes ? from.offset : undefined,
  );
  return span === undefined ? undefined : linesOf(span.bytes, true);
}

/** The last `maxBytes` of a file; `whole` when they begin at a line start (the byte before is read to know). */
function readEnd(
  path: string,
  maxBytes: number,
): { bytes: Buffer; whole: boolean; inode: number } | undefined {
  const span = readSpan(path, ({ size }) => Math.max(0, size - maxBytes - 1));
  if (span === undefined) return undefined;
  const { bytes, start, inode } = span;
  if (start === 0 && bytes.length <= maxBytes) return { bytes, whole: true, inode };
  return { bytes: bytes.subarray(1), whole: bytes[0] === newline, inode };
}

/** A file's bytes from where `startOf` says (given its inode and size) to its end; undefined if not a file. */
function readSpan(
  path: string,
  startOf: (info: { readonly ino: number; readonly size: number }) => number | undefined,
): { bytes: Buffer; start: number; inode: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    const start = info.isFile() ? startOf(info) : undefined;
    if (start === undefined) return undefined;
    const bytes = Buffer.alloc(info.size - start);
    let read = 0;
    while (read < bytes.length) {
      const bytesRead = readSync(fd, bytes, read, bytes.length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { bytes: bytes.subarray(0, read), start, inode: info.ino };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
