import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import type { Socket } from 'node:net';
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

/** One instance run's output capture: a log writer process and the write end of its input. */
export interface Capture {
  /**
   * The write end: pass it to the instance's spawn as both `stdout` and `stderr`. It is a stream with a
   * file descriptor, which child_process (and execa 9, for a single native stream) hands to the child as is.
   */
  readonly output: Socket;
  /** Closes the supervisor's own copy of the write end: call it right after the instance is spawned. */
  release(): void;
  readonly writerPid: number;
  /**
   * Where this run's output begins: give both fields to `followLog`, which then finds it even if the log has
   * been rotated meanwhile (an offset alone is ambiguous after a rotation). Undefined when the log could not
   * be opened; the writer's status says why.
   */
  readonly startPosition: LogPosition | undefined;
  /**
   * The writer has exited: every byte of output is in the log (or counted as dropped in its status). The
   * writer is unref'd, so this settles only while something else keeps the event loop alive: wait on it
   * with a timer beside it (a bounded wait, as at shutdown), never alone.
   */
  readonly finished: Promise<void>;
  /**
   * Writes a line of the supervisor's own into the pipe, after everything the instance wrote before it: once
   * the line is in the log, so is all earlier output (a flush barrier), and readers see where runs begin and end.
   */
  mark(line: string): void;
  /** False once the writer has exited. */
  isRunning(): boolean;
}

/**
 * Starts the log writer of one instance run. It has its own session and process group (`detached`), so a
 * signal to the supervisor's group (Ctrl-C) or to the instance's (stop, SIGKILL) does not reach it, and it
 * is neither killed nor waited for when the supervisor exits (`unref`): it ends by itself, at the end of
 * its input, once the instance's last process has closed its stdout and stderr and `release()` was called.
 *
 * child_process rather than execa: every execa feature (buffering, cleanup, promise on failure) would be
 * turned off here, and a plain spawn costs less on the restart path.
 */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  const { logFile, maxBytes, files } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError(`maxBytes must be >= 1, got ${maxBytes}`);
  if (!Number.isSafeInteger(files) || files < 1) throw new RangeError(`files must be >= 1, got ${files}`);
  await mkdir(dirname(logFile), { recursive: true, mode: 0o700 });
  const startPosition = await endOf(logFile);
  const writer = spawn(process.execPath, [logWriterScript(), logFile, String(maxBytes), String(files)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    // Hold no directory busy: the writer may outlive the supervisor by months.
    cwd: '/',
    env: writerEnvironment(),
  });
  const finished = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    writer.once('spawn', resolve);
    writer.once('error', reject);
  });
  writer.on('error', () => {});
  const output = writer.stdin as Socket;
  // An error on it means the writer is gone: `finished` says so, and the next run gets a new writer.
  output.on('error', () => {});
  output.unref();
  writer.unref();
  let running = true;
  void finished.then(() => {
    running = false;
  });
  return {
    output,
    release: () => output.destroy(),
    mark: (line) => {
      if (!output.destroyed) output.write(`${line}\n`);
    },
    isRunning: () => running,
    writerPid: writer.pid as number,
    startPosition,
    finished,
  };
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
