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
 * the live file has such a line: the restart path reads the tail, and each file is a round of I/O.
 */
export async function readLogTail(
  logFile: string,
  maxBytes: number,
  since?: (line: string) => boolean,
): Promise<string[]> {
  const live = await readEnd(logFile, maxBytes);
  const liveLines = linesOf(live?.bytes ?? Buffer.alloc(0), live?.whole ?? true);
  const missing = maxBytes - (live?.bytes.length ?? 0);
  if (missing <= 0 || (since !== undefined && liveLines.some(since))) return liveLines;
  const older = await readEnd(`${logFile}.1`, missing);
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

/** The last `maxBytes` of a file; `whole` when they begin at a line start (the byte before is read to know). */
async function readEnd(
  path: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; whole: boolean; inode: number } | undefined> {
  const file = await openAt(path, 0);
  if (file === undefined) return undefined;
  try {
    const start = Math.max(0, file.size - maxBytes - 1);
    const bytes = Buffer.alloc(file.size - start);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await file.handle.read(bytes, read, bytes.length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (start === 0 && read <= maxBytes)
      return { bytes: bytes.subarray(0, read), whole: true, inode: file.inode };
    return { bytes: bytes.subarray(1, read), whole: bytes[0] === newline, inode: file.inode };
  } finally {
    // Not waited for: the bytes are read, and the restart path should not wait a round of I/O more.
    void file.handle.close().catch(() => {});
  }
}
