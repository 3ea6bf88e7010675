import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProcStat } from '../process/proc-stat.js';
import type { LogPosition } from './log-tail.js';

export interface CaptureOptions {
  readonly logFile: string;
  /** Rotate before the live file would pass this size. */
  readonly maxBytes: number;
  /** Files kept, counting the live one. */
  readonly files: number;
}

/**
 * One instance's output capture, kept across its runs. The output goes through a named pipe
 * (`<logFile>.pipe`) that a log writer process reads; the supervisor holds the pipe open for reading too
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
  /** Settles once the last writer has exited after `release()`: every byte is in the log (or counted lost). */
  readonly finished: Promise<void>;
  /**
   * Writes a line of the supervisor's own into the pipe, after everything the instance wrote before it: once
   * the line is in the log, so is all earlier output (a flush barrier), and readers see where runs begin and
   * end. Never blocks: with no writer and a full pipe, the line is dropped.
   */
  mark(line: string): void;
  /** False once the capture is released and its writer has exited. */
  isRunning(): boolean;
  /** Called each time a writer that died was replaced. */
  onReplaced(listener: (replaced: WriterReplaced) => void): void;
}

export interface WriterReplaced {
  readonly oldPid: number;
  readonly newPid: number;
  /** How long the pipe went unread. */
  readonly gapMs: number;
}

/** A dead writer is replaced at once, but not more than once a second (one that cannot start would spin). */
const replaceEveryMs = 1000;

/**
 * Starts (or, `adoptWriterPid`, takes over from an earlier supervisor) the capture of one instance. The
 * writer has its own session and process group (`detached`), so a signal to the supervisor's group (Ctrl-C)
 * or to the instance's (stop, SIGKILL) does not reach it, and it is not waited for when the supervisor
 * exits (`unref`): it ends by itself at the end of its input.
 *
 * child_process rather than execa: every execa feature (buffering, cleanup, promise on failure) would be
 * turned off here, and a plain spawn costs less.
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
  const args = [logWriterScript(), logFile, String(maxBytes), String(files), pipe];
  let released = false;
  let current: WriterHandle;
  try {
    current = adoptWriterPid === undefined ? await spawnWriter(args) : watchForeign(adoptWriterPid);
  } catch (error) {
    closeSync(output);
    closeSync(holder);
    throw error;
  }
  /** A replacement being started: a release waits for it to have the pipe open. */
  let replacing: Promise<WriterHandle> | undefined;
  let lastReplaced = 0;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  const listeners: ((replaced: WriterReplaced) => void)[] = [];
  const supervise = (writer: WriterHandle) => {
    void writer.exited.then(async () => {
      if (released) return resolveFinished();
      const diedAt = Date.now();
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, lastReplaced + replaceEveryMs - diedAt)),
      );
      if (released) return resolveFinished();
      lastReplaced = Date.now();
      replacing = spawnWriter(args).catch(() => writer);
      const next = await replacing;
      replacing = undefined;
      if (next === writer) return supervise(writer); // could not spawn: tried again in a second
      current = next;
      for (const listener of listeners)
        listener({ oldPid: writer.pid, newPid: next.pid, gapMs: Date.now() - diedAt });
      supervise(next);
    });
  };
  supervise(current);
  return {
    output,
    release: () => {
      if (released) return;
      released = true;
      // Not before the writer (or the one replacing it) has the pipe open: a pipe nobody holds loses what
      // is buffered in it, and a writer opening a pipe nobody writes to would wait forever.
      void (replacing ?? Promise.resolve(current))
        .then((writer) => writer.opened)
        .then(() => {
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
    isRunning: () => !released || current.alive(),
    writerPid: () => current.pid,
    startPosition,
    finished,
    onReplaced: (listener) => listeners.push(listener),
  };
}

/** The named pipe an instance's output goes through, beside its log. */
export const pipeOf = (logFile: string): string => `${logFile}.pipe`;

/** Makes the pipe (mode 0600) unless it is there; anything else under its name is replaced. */
function makeFifo(pipe: string): void {
  try {
    if (lstatSync(pipe).isFIFO()) return;
    unlinkSync(pipe);
  } catch {
    // Not there yet.
  }
  // Node has no mkfifo(3); coreutils' mkfifo is on every Linux. Once per instance, not per run.
  execFileSync('mkfifo', ['-m', '600', pipe]);
}

interface WriterHandle {
  readonly pid: number;
  /** Settles once the writer has the pipe open for reading (or has exited). */
  readonly opened: Promise<void>;
  readonly exited: Promise<void>;
  alive(): boolean;
}

async function spawnWriter(args: readonly string[]): Promise<WriterHandle> {
  const writer = spawn(process.execPath, args, {
    detached: true,
    // Its stdout says when it has opened the pipe (log-writer.ts), then closes.
    stdio: ['ignore', 'pipe', 'ignore'],
    // Hold no directory busy: the writer may outlive the supervisor by months.
    cwd: '/',
    env: writerEnvironment(),
  });
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    writer.once('exit', () => {
      alive = false;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    writer.once('spawn', resolve);
    writer.once('error', reject);
  });
  writer.on('error', () => {});
  const stdout = writer.stdout as NonNullable<typeof writer.stdout>;
  const opened = Promise.race([
    new Promise<void>((resolve) => stdout.once('data', () => resolve())),
    exited,
  ]).then(() => {
    stdout.destroy();
  });
  writer.unref();
  return { pid: writer.pid as number, opened, exited, alive: () => alive };
}

/** An earlier supervisor's writer: not our child, so its end is noticed by polling (twice a second). */
function watchForeign(pid: number): WriterHandle {
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    const poll = () => {
      void isRunning(pid).then((running) => {
        if (running) setTimeout(poll, 500).unref();
        else {
          alive = false;
          resolve();
        }
      });
    };
    poll();
  });
  // Its poll is unref'd and ends with the writer, so `exited` settles even after a release.
  return { pid, opened: Promise.resolve(), exited, alive: () => alive };
}

/** The log's inode and size, the log created if missing (as the writer would: mode 0600). */
export async function endOf(logFile: string): Promise<LogPosition | undefined> {
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
  const stat = await readProcStat(pid);
  return stat === undefined ? existsSync(`/proc/${pid}`) : stat.state !== 'Z';
}

/**
 * The writer's environment: the supervisor's, less what only slows a Node start down or changes it.
 * NODE_EXTRA_CA_CERTS costs about 75 ms of CPU per start here and the writer makes no TLS connection;
 * NODE_OPTIONS may carry --inspect or --require meant for the supervisor.
 */
function writerEnvironment(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _certs, NODE_OPTIONS: _options, ...environment } = process.env;
  return environment;
}

let writerScript: string | undefined;

/** `log-writer.js` beside this file when running compiled, else the repository's dist/ (running from source). */
export function logWriterScript(): string {
  if (writerScript !== undefined) return writerScript;
  const here = dirname(fileURLToPath(import.meta.url));
  let script = join(here, 'log-writer.js');
  if (!existsSync(script)) {
    let dir = here;
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    script = join(dir, 'dist', 'src', 'capture', 'log-writer.js');
  }
  if (!existsSync(script)) throw new Error(`the log writer ${script} is missing: build first (npx tsc -p .)`);
  writerScript = script;
  return script;
}
