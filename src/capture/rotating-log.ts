import { closeSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CaptureStatus, statusFileOf, writeCaptureStatus } from './capture-status.js';
import { shiftRotated } from './shift-rotated.js';

/**
 * At most this often the writer checks that the log's path still names the file it writes (the file may
 * have been deleted, moved or replaced) and, while failing, tries to open the log again. A stat() a second
 * costs nothing; output written into a deleted file in between is lost, which is at most a second of it.
 */
const checkEveryMs = 1000;
const newline = 0x0a;

export interface RotatingLogOptions {
  readonly logFile: string;
  /** No file is ever larger: a line is cut only when it alone is longer than this. */
  readonly maxBytes: number;
  /** Files kept, counting the live one: 5 keeps `name.log` and `name.log.1` to `name.log.4`. */
  readonly files: number;
  readonly now?: () => number;
}

interface Failure {
  /** "the log could not be rotated (EACCES: permission denied, rename ...)" */
  reason: string;
  /** Bytes dropped since this failure began. */
  lost: number;
}

/**
 * The log writer's output side: appends to `logFile`, rotates it by size by rename (never copy-and-truncate,
 * which loses the lines written between the copy and the truncation), and survives the disk: when the log
 * cannot be opened, rotated or written, chunks are counted and dropped, so that the input keeps being
 * drained and the instance is never blocked; once the log can be opened again, a line tells how much was
 * lost. Everything is synchronous: it runs in the writer's read loop, one call per chunk read.
 */
export class RotatingLog {
  private readonly logFile: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private readonly now: () => number;
  private readonly statusFile: string;
  private fd: number | undefined;
  /** Device and inode of the open file, to tell whether the path still names it. */
  private dev = 0;
  private ino = 0;
  private size = 0;
  /** Whether the file ends with a newline: the writer's own notes start on a line of their own. */
  private atLineStart = true;
  private nextCheckAt = 0;
  private failure: Failure | undefined;
  private droppedBytes = 0;
  private reportedDropped = 0;
  private state: CaptureStatus['state'] | undefined;
  private stateSince = 0;

  constructor(options: RotatingLogOptions) {
    this.logFile = options.logFile;
    this.maxBytes = options.maxBytes;
    this.files = options.files;
    this.now = options.now ?? Date.now;
    this.statusFile = statusFileOf(options.logFile);
    this.nextCheckAt = this.now() + checkEveryMs;
    try {
      this.openLive();
      this.report('writing');
    } catch (error) {
      this.fail('opened', error);
    }
  }

  /** Appends `chunk[0, length)`, rotating as often as needed; never throws. */
  append(chunk: Buffer, length: number): void {
    const now = this.now();
    if (now >= this.nextCheckAt) {
      this.nextCheckAt = now + checkEveryMs;
      this.check();
    }
    this.write(chunk, 0, length);
  }

  /** End of input: closes the log and reports `closed`. */
  close(): void {
    if (this.fd !== undefined) closeQuietly(this.fd);
    this.fd = undefined;
    this.report('closed');
  }

  /** Writes `chunk[start, end)`; before it would pass maxBytes, cuts it at a line end if it can and rotates. */
  private write(chunk: Buffer, start: number, end: number): void {
    let offset = start;
    while (offset < end) {
      if (this.fd === undefined) {
        this.drop(end - offset);
        return;
      }
      const room = this.maxBytes - this.size;
      if (end - offset <= room) {
        this.writeAll(chunk, offset, end);
        return;
      }
      const cut = room > 0 ? chunk.subarray(offset, offset + room).lastIndexOf(newline) : -1;
      if (cut >= 0) {
        this.writeAll(chunk, offset, offset + cut + 1);
        offset += cut + 1;
      } else if (this.size === 0) {
        // A line longer than a whole file: it is cut at the limit.
        this.writeAll(chunk, offset, offset + room);
        offset += room;
      }
      // Otherwise the line under way starts the next file, to keep it whole.
      this.rotate();
    }
  }

  private writeAll(chunk: Buffer, start: number, end: number): void {
    const fd = this.fd;
    if (fd === undefined) {
      this.drop(end - start);
      return;
    }
    let offset = start;
    try {
      while (offset < end) offset += writeSync(fd, chunk, offset, end - offset);
    } catch (error) {
      this.fail('written', error);
      this.drop(end - offset);
    }
    this.size += offset - start;
    if (offset > start) this.atLineStart = chunk[offset - 1] === newline;
  }

  /** `name.log.(k)` -> `name.log.(k+1)`, ..., `name.log` -> `name.log.1`, the oldest replaced; a new `name.log`. */
  private rotate(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      // Someone else (a rotation tool, a second writer) may have moved the file already: then only reopen.
      if (this.namesOpenFile()) shiftRotated(this.logFile, this.files);
      closeQuietly(fd);
      this.fd = undefined;
      this.openLive();
    } catch (error) {
      this.fail('rotated', error);
    }
  }

  /** Once a second: recover from a failure, or reopen a log that was deleted, moved or replaced. */
  private check(): void {
    if (this.failure !== undefined) {
      this.recover();
      return;
    }
    if (this.fd === undefined || this.namesOpenFile()) return;
    closeQuietly(this.fd);
    this.fd = undefined;
    try {
      this.openLive();
    } catch (error) {
      this.fail('opened', error);
      return;
    }
    this.note('capture reopened the log: the file had been deleted, moved or replaced');
  }

  private recover(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    let action = 'opened';
    try {
      if (this.fd === undefined) this.openLive();
      // A log left full by a failed rotation is rotated first.
      if (this.size >= this.maxBytes) {
        action = 'rotated';
        if (this.namesOpenFile()) shiftRotated(this.logFile, this.files);
        if (this.fd !== undefined) closeQuietly(this.fd);
        this.fd = undefined;
        this.openLive();
      }
    } catch (error) {
      if (this.fd !== undefined) closeQuietly(this.fd);
      this.fd = undefined;
      failure.reason = describe(action, error);
      if (this.droppedBytes !== this.reportedDropped) this.report('failing');
      return;
    }
    this.failure = undefined;
    this.report('writing');
    this.note(`capture resumed: ${failure.lost} bytes lost while ${failure.reason}`);
  }

  private fail(action: string, error: unknown): void {
    if (this.fd !== undefined) closeQuietly(this.fd);
    this.fd = undefined;
    const reason = describe(action, error);
    if (this.failure !== undefined) {
      this.failure.reason = reason;
      return;
    }
    this.failure = { reason, lost: 0 };
    this.report('failing');
  }

  private drop(bytes: number): void {
    this.droppedBytes += bytes;
    if (this.failure !== undefined) this.failure.lost += bytes;
  }

  /** A line of the writer's own, in the log among the instance's output. */
  private note(text: string): void {
    const line = Buffer.from(`${this.atLineStart ? '' : '\n'}[wso2-supervisor] ${text}\n`);
    this.write(line, 0, line.length);
  }

  private openLive(): void {
    let fd: number;
    try {
      fd = openSync(this.logFile, 'a+', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The log folder itself was removed: make it again.
      mkdirSync(dirname(this.logFile), { recursive: true, mode: 0o700 });
      fd = openSync(this.logFile, 'a+', 0o600);
    }
    const stat = fstatSync(fd);
    this.fd = fd;
    this.dev = stat.dev;
    this.ino = stat.ino;
    this.size = stat.size;
    this.atLineStart = stat.size === 0 || lastByte(fd, stat.size) === newline;
  }

  private namesOpenFile(): boolean {
    try {
      const stat = statSync(this.logFile, { throwIfNoEntry: false });
      return stat !== undefined && stat.ino === this.ino && stat.dev === this.dev;
    } catch {
      return false;
    }
  }

  private report(state: CaptureStatus['state']): void {
    if (state !== this.state) {
      this.state = state;
      this.stateSince = this.now();
    }
    this.reportedDropped = this.droppedBytes;
    writeCaptureStatus(this.statusFile, {
      pid: process.pid,
      state,
      ...(this.failure !== undefined && { error: this.failure.reason }),
      droppedBytes: this.droppedBytes,
      since: new Date(this.stateSince).toISOString(),
    });
  }
}

function lastByte(fd: number, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  try {
    return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // A close error (EIO on some file systems) changes nothing: the descriptor is gone either way.
  }
}

function describe(action: string, error: unknown): string {
  return `the log could not be ${action} (${error instanceof Error ? error.message : String(error)})`;
}
