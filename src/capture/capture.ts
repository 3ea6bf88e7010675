import { closeSync, constants, existsSync, openSync, type Stats, statSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readProcStat } from '../process/proc-stat.js';
import { makeFifo, pipeOf } from './fifos.js';
import type { LogPosition } from './log-tail.js';
import { type Registration, sharedWriter, type WriterReplaced } from './shared-writer.js';

export type { WriterReplaced } from './shared-writer.js';

export interface CaptureOptions {
  readonly logFile: string;
  /** Rotate before the live file would pass this size. */
  readonly maxBytes: number;
  /** Files kept, counting the live one. */
  readonly files: number;
}

/**
 * One instance's output capture, kept across its runs. The output goes through a named pipe
 * (`<logFile>.pipe`) that the supervisor's log writer process reads; the supervisor holds the pipe open for reading too
 * and never reads it (as s6-fdholderd holds fds), so a writer that dies loses no pipe: the instance's next
 * writes wait in the pipe, and a new writer, started at once, reads on from there.
 */
export interface Capture {
  /**
   * A write-only descriptor of the pipe, blocking as a console is: pass it to the instance's spawn as both
   * `stdout` and `stderr` (child_process and execa hand a descriptor number to the child as is).
   */
  readonly output: number;
  /** Closes the supervisor's ends of the pipe: the writer then ends once the instance's last process has. */
  release(): void;
  /** The writer reading the pipe now. */
  writerPid(): number;
  /**
   * Where this capture's output begins: give both fields to `followLog`, which then finds it even if the log
   * has been rotated meanwhile. Undefined when the log could not be opened; the writer's status says why.
   */
  readonly startPosition: LogPosition | undefined;
  /** Settles once the pipe has ended after `release()`: every byte is in the log (or counted lost). */
  readonly finished: Promise<void>;
  /**
   * Writes a line of the supervisor's own into the pipe, after everything the instance wrote before it: once
   * the line is in the log, so is all earlier output (a flush barrier), and readers see where runs begin and
   * end. Never blocks: with no writer and a full pipe, the line is dropped.
   */
  mark(line: string): void;
  /** False once the capture is released and its pipe has ended. */
  isRunning(): boolean;
  /** Called each time a writer that died was replaced. */
  onReplaced(listener: (replaced: WriterReplaced) => void): void;
}

/**
 * Starts (or, `adoptWriterPid`, takes over from an earlier supervisor) the capture of one instance: its pipe
 * is made and held, and this process's log writer (shared-writer.ts) asked to read it. An earlier
 * supervisor's writer, still reading the pipe, is left to it; should it die, ours takes the pipe over.
 */
export async function startCapture(options: CaptureOptions, adoptWriterPid?: number): Promise<Capture> {
  const { logFile, maxBytes, files } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError(`maxBytes must be >= 1, got ${maxBytes}`);
  if (!Number.isSafeInteger(files) || files < 1) throw new RangeError(`files must be >= 1, got ${files}`);
  await mkdir(dirname(logFile), { recursive: true, mode: 0o700 });
  const startPosition = await endOf(logFile);
  const pipe = pipeOf(logFile);
  makeFifo(pipe);
  // Read-write: on Linux, opening a FIFO so never blocks, and it holds the read end (and a write end, so
  // the writer sees no end of input while the supervisor holds it). Non-blocking: a marker never stalls us.
  const holder = openSync(pipe, constants.O_RDWR | constants.O_NONBLOCK);
  const output = openSync(pipe, constants.O_WRONLY);
  const writer = sharedWriter();
  const listeners: ((replaced: WriterReplaced) => void)[] = [];
  let released = false;
  let ended = false;
  let readerPid: () => number;
  let registration: Registration | undefined;
  const register = () => {
    registration = writer.capture({ pipe, logFile, maxBytes, files });
    registration.onReplaced((replaced) => {
      for (const listener of listeners) listener(replaced);
    });
    readerPid = () => writer.pid();
    return registration;
  };
  let finished: Promise<void>;
  if (adoptWriterPid === undefined) {
    finished = register().ended;
  } else {
    // The earlier supervisor's writer reads on; once it is gone, ours reads the pipe (to its end, if released).
    readerPid = () => adoptWriterPid;
    finished = waitForExit(adoptWriterPid).then(() => {
      const diedAt = Date.now();
      const next = register();
      for (const listener of listeners)
        listener({ oldPid: adoptWriterPid, newPid: writer.pid(), gapMs: Date.now() - diedAt });
      return next.ended;
    });
  }
  finished = finished.then(() => {
    ended = true;
  });
  return {
    output,
    release: () => {
      if (released) return;
      released = true;
      // Not before a writer has the pipe open: a pipe nobody holds loses what is buffered in it.
      void (registration?.opened ?? Promise.resolve()).then(() => {
        closeSync(output);
        closeSync(holder);
      });
    },
    mark: (line) => {
      if (released) return;
      try {
        writeSync(holder, `${line}\n`);
      } catch {
        // A full pipe with no writer reading it: the marker is dropped, the instance is not held up.
      }
    },
    isRunning: () => !released || !ended,
    writerPid: () => readerPid(),
    startPosition,
    finished,
    onReplaced: (listener) => listeners.push(listener),
  };
}

/** Settles once a process (a writer this supervisor did not start) has exited: polled twice a second. */
function waitForExit(pid: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const poll = () => {
      void isRunning(pid).then((running) => {
        if (running) setTimeout(poll, 500).unref();
        else resolve();
      });
    };
    poll();
  });
}

/** The log's inode and size, the log created if missing (as the writer would: mode 0600). */
export async function endOf(logFile: string): Promise<LogPosition | undefined> {
  // Usually there: one synchronous stat, not a round trip through the thread pool (the restart path).
  const known = statIfThere(logFile);
  if (known?.isFile()) return { inode: known.ino, offset: known.size };
  const handle = await open(logFile, 'a', 0o600).catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { ino, size } = await handle.stat();
    return { inode: ino, offset: size };
  } catch {
    return undefined;
  } finally {
    await handle.close().catch(() => {});
  }
}

function statIfThere(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

const pollMs = 100;

/**
 * Waits for a log writer the supervisor did not spawn (one of an adopted instance) to exit: true when it
 * has, false on timeout. A zombie counts as gone: in a container whose pid 1 does not reap, it stays one.
 */
export async function waitForWriterExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isRunning(pid))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}

async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readProcStat(pid);
  return stat === undefined ? existsSync(`/proc/${pid}`) : stat.state !== 'Z';
}
