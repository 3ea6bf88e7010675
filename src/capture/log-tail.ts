import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type OpenFile, openAt } from './log-tail-read.js';

/** The safety net under inotify (which misses events on some file systems, NFS among them). */
const pollMs = 250;
const readBytes = 64 * 1024;
/** A longer line is cut here, so that output without newlines cannot grow the follower's memory. */
export const maxLineBytes = 64 * 1024;
/** Rotated files looked at when the follower was left behind by more than one rotation (`files` <= 100). */
const maxRotated = 100;
const newline = 0x0a;

/** Where a follow stands: the file (by inode, as rotation renames it) and the byte after the last whole line. */
export interface LogPosition {
  readonly inode: number;
  readonly offset: number;
}

export interface FollowOptions {
  /** Byte offset to start from, in the live file when the follow starts. */
  readonly fromOffset: number;
  /**
   * The inode `fromOffset` belongs to (from `position()`): the follow then starts in that file even if it
   * has been rotated since. Without it, an offset beyond the live file's end is taken to be in `name.log.1`
   * (rotated in between) if that is long enough, else the follow starts at the live file's beginning.
   */
  readonly inode?: number;
  /** Each complete line, without its newline. */
  readonly onLine: (line: string) => void;
  /** Errors reading the log, or thrown by onLine; the follow carries on. */
  readonly onError?: (error: unknown) => void;
}

export interface LogFollower {
  stop(): void;
  /** Undefined until a file has been opened; after stop(), where the follow stopped. */
  position(): LogPosition | undefined;
}

/** A name in the rotation (`name.log`, `name.log.1`...) and the file it names now (none: missing). */
interface ChainEntry {
  readonly path: string;
  readonly inode: number | undefined;
}

/**
 * Follows the log a writer is filling, from a byte offset, across rotations: it keeps the descriptor of
 * the file it reads, reads it to its end, and when the path names another file, finishes the old one (the
 * writer never writes to a file after renaming it) and goes on with the next (`name.log.(k-1)` if it was
 * left behind by more than one rotation, else the new `name.log`) from its start. Woken by inotify on the
 * folder and a slow poll; cheap to start and stop.
 */
export function followLog(logFile: string, options: FollowOptions): LogFollower {
  const follower = new Follower(logFile, options);
  follower.start();
  return follower;
}

class Follower implements LogFollower {
  private file: OpenFile | undefined;
  private positioned = false;
  private readonly buffer = Buffer.allocUnsafe(readBytes);
  /** The line under way (its first maxLineBytes) and where it began in the current file. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private partialStart = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Where the follow stood when its file was closed (after stop()). */
  private lastPosition: LogPosition | undefined;

  constructor(
    private readonly logFile: string,
    private readonly options: FollowOptions,
  ) {}

  start(): void {
    const name = basename(this.logFile);
    try {
      this.watcher = watch(dirname(this.logFile), { persistent: false }, (_event, changed) => {
        if (changed === null || changed.startsWith(name)) this.wake();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No folder yet, or no inotify: the poll alone.
    }
    this.timer = setInterval(() => this.wake(), pollMs);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.timer);
    if (!this.running) void this.closeFile();
  }

  position(): LogPosition | undefined {
    if (this.file === undefined) return this.lastPosition;
    return { inode: this.file.inode, offset: this.partialBytes > 0 ? this.partialStart : this.file.offset };
  }

  /** Runs catchUp, once more if woken while it ran; never two at once. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      do {
        this.again = false;
        try {
          await this.catchUp();
        } catch (error) {
          this.options.onError?.(error);
        }
      } while (this.again && !this.stopped);
      this.running = false;
      if (this.stopped) await this.closeFile();
    })();
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      if (this.file === undefined) {
        this.file = this.positioned ? await openAt(this.logFile, 0) : await this.openFirst();
        if (this.file === undefined) return;
        this.positioned = true;
      }
      const file = this.file;
      await this.drain(file);
      if (this.stopped) return;
      const live = await stat(this.logFile).catch(() => undefined);
      if (live?.ino === file.inode) {
        if (live.size < file.offset) file.offset = 0; // truncated by someone else: start over
        return;
      }
      // Rotated or deleted: the writer may have written to it just before; after that, it is finished.
      await this.drain(file);
      if (this.stopped) return;
      const next = await this.nextAfter(file.inode);
      if (next === undefined) return; // nothing newer yet (between a rename and the new file): keep this one
      await file.handle.close().catch(() => {});
      this.file = next;
      if (this.partialBytes > 0) this.partialStart = 0;
    }
  }

  private async openFirst(): Promise<OpenFile | undefined> {
    const { fromOffset, inode } = this.options;
    if (inode !== undefined) {
      // Usually the live file still (a run just launched): one open, not the rotated chain looked at twice.
      const live = await openAt(this.logFile, fromOffset);
      if (live?.inode === inode) return live;
      await live?.handle.close();
      const found = await this.openInChain(inode, (chain, at) => chain[at]);
      if (found === undefined || found === 'missing') return openAt(this.logFile, 0); // rotated out of the kept files
      found.offset = fromOffset;
      return found;
    }
    const live = await openAt(this.logFile, fromOffset);
    if (live === undefined || live.size >= fromOffset) return live;
    const rotated = await openAt(`${this.logFile}.1`, fromOffset);
    if (rotated !== undefined && rotated.size >= fromOffset) {
      await live.handle.close();
      return rotated;
    }
    await rotated?.handle.close();
    live.offset = 0;
    return live;
  }

  /**
   * The file written after the one with `inode`: the next newer rotated one when the follow was left behind
   * by several rotations, else the live one. Undefined while there is none yet. When `inode` is in none of
   * the files (deleted, or rotated out of the kept ones), the live file.
   */
  private async nextAfter(inode: number): Promise<OpenFile | undefined> {
    const next = await this.openInChain(inode, (chain, at) => (at > 0 ? chain[at - 1] : undefined));
    if (next !== 'missing') return next;
    return openAt(this.logFile, 0);
  }

  /**
   * Opens the file `pick` chooses from a steady view of the chain (live file first, then `.1`, `.2`...) and
   * the index of `inode` in it; 'missing' when `inode` is not in the chain. The chain is read until two reads
   * agree (a rotation shifts every entry), and the file opened is checked to be the one picked. Undefined
   * when there is nothing to pick, or while rotations keep the chain moving: the next wake-up tries again.
   */
  private async openInChain(
    inode: number,
    pick: (chain: readonly ChainEntry[], at: number) => ChainEntry | undefined,
  ): Promise<OpenFile | undefined | 'missing'> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const chain = await this.steadyChain(inode);
      if (chain === undefined) return undefined;
      const at = chain.findIndex((entry) => entry.inode === inode);
      if (at === -1) return 'missing';
      const picked = pick(chain, at);
      if (picked?.inode === undefined) return undefined;
      const file = await openAt(picked.path, 0);
      if (file?.inode === picked.inode) return file;
      await file?.handle.close();
    }
    return undefined;
  }

  /** The live file and the rotated ones up to the one with `inode` (or the last one), once two reads agree. */
  private async steadyChain(inode: number): Promise<ChainEntry[] | undefined> {
    let previous = await this.chain(inode);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.chain(inode);
      if (
        current.length === previous.length &&
        current.every((entry, k) => entry.inode === previous[k]?.inode)
      ) {
        return current;
      }
      previous = current;
    }
    return undefined;
  }

  /**
   * A rotation renames from the oldest down (`.3` -> `.4`, then `.2` -> `.3`...), which leaves a hole of one
   * name for a moment: the chain ends only at two missing names in a row.
   */
  private async chain(inode: number): Promise<ChainEntry[]> {
    const chain: ChainEntry[] = [];
    for (let k = 0; k <= maxRotated; k++) {
      const path = k === 0 ? this.logFile : `${this.logFile}.${k}`;
      const found = await stat(path).catch(() => undefined);
      if (found === undefined && k > 1 && chain[k - 1]?.inode === undefined) break;
      chain.push({ path, inode: found?.ino });
      if (found?.ino === inode) break;
    }
    return chain;
  }

  private async drain(file: OpenFile): Promise<void> {
    while (!this.stopped) {
      const { bytesRead } = await file.handle.read(this.buffer, 0, readBytes, file.offset);
      if (bytesRead === 0) return;
      this.split(this.buffer.subarray(0, bytesRead), file.offset);
      file.offset += bytesRead;
    }
  }

  /** Emits the complete lines of `chunk` (read at `offset`), keeps the rest as the line under way. */
  private split(chunk: Buffer, offset: number): void {
    let start = 0;
    for (let end = chunk.indexOf(newline); end !== -1 && !this.stopped; end = chunk.indexOf(newline, start)) {
      this.emit(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start === chunk.length || this.stopped) return;
    if (this.partialBytes === 0) this.partialStart = offset + start;
    const kept = chunk.subarray(start, start + Math.max(0, maxLineBytes - this.partialBytes));
    if (kept.length > 0) this.partial.push(Buffer.from(kept));
    this.partialBytes += chunk.length - start;
  }

  private emit(end: Buffer): void {
    let line: string;
    if (this.partialBytes === 0) {
      line = end.toString('utf8', 0, maxLineBytes);
    } else {
      this.partial.push(end);
      line = Buffer.concat(this.partial).toString('utf8', 0, maxLineBytes);
      this.partial = [];
      this.partialBytes = 0;
    }
    try {
      this.options.onLine(line);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.lastPosition = this.position();
    this.file = undefined;
    await file?.handle.close().catch(() => {});
  }
}
