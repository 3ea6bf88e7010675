import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { type CaptureRequest, encode, lineSplitter, parseEvent } from './writer-protocol.js';

/** One pipe the writer is asked to capture, for as long as it has not ended. */
export interface Registration {
  /** Settles once a writer has the pipe open. */
  readonly opened: Promise<void>;
  /** Settles once the pipe has ended and its log is closed: every byte is in the log (or counted lost). */
  readonly ended: Promise<void>;
  /** Called each time the writer died and another one took the pipe over. */
  onReplaced(listener: (replaced: WriterReplaced) => void): void;
}

export interface WriterReplaced {
  readonly oldPid: number;
  readonly newPid: number;
  /** How long the pipe went unread. */
  readonly gapMs: number;
}

interface Pending {
  readonly request: CaptureRequest;
  opened: () => void;
  ended: () => void;
  readonly listeners: ((replaced: WriterReplaced) => void)[];
}

/** A dead writer is replaced at once, but not more than once a second (one that cannot start would spin). */
const replaceEveryMs = 1000;

/**
 * The supervisor's side of its one log writer (log-writer.ts): started with the first capture, replaced
 * when it dies (every pipe it read is asked of the new one, which reads on where the pipes are), and left
 * to end by itself once this process is gone and the pipes have ended. The writer has its own session and
 * process group (`detached`), so a signal to the supervisor's group (Ctrl-C) or to an instance's does not
 * reach it.
 *
 * child_process rather than execa: every execa feature (buffering, cleanup, promise on failure) would be
 * turned off here, and a plain spawn costs less.
 */
export class SharedWriter {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastStart = 0;
  private respawning = false;
  private lastPid = 0;

  /** Asks the writer to capture `pipe` into `logFile`. */
  capture(spec: Omit<CaptureRequest, 'id'>): Registration {
    const request = { id: this.nextId++, ...spec };
    let opened = () => {};
    let ended = () => {};
    const entry: Pending = {
      request,
      opened: () => opened(),
      ended: () => ended(),
      listeners: [],
    };
    const registration: Registration = {
      opened: new Promise<void>((resolve) => {
        opened = resolve;
      }),
      ended: new Promise<void>((resolve) => {
        ended = resolve;
      }),
      onReplaced: (listener) => entry.listeners.push(listener),
    };
    this.pending.set(request.id, entry);
    if (!this.respawning) this.send(request);
    return registration;
  }

  /**
   * The writer's pid now: the dead one's while its replacement waits out the one-start-a-second limit (a
   * status asked then must not start one early), else a writer is started if there is none.
   */
  pid(): number {
    if (this.child === undefined && this.respawning) return this.lastPid;
    return this.ensure().pid as number;
  }

  private send(request: CaptureRequest): void {
    this.ensure().stdin?.write(encode(request));
  }

  private ensure(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const child = spawn(process.execPath, [logWriterScript()], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
      // Hold no directory busy: the writer may outlive the supervisor by months.
      cwd: '/',
      env: writerEnvironment(),
    });
    this.child = child;
    this.lastStart = Date.now();
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.stdout?.on(
      'data',
      lineSplitter((line) => {
        const event = parseEvent(line);
        if (event === undefined) return;
        if ('open' in event) this.pending.get(event.open)?.opened();
        else
          for (const id of event.end) {
            this.pending.get(id)?.ended();
            this.pending.delete(id);
          }
      }),
    );
    child.once('close', () => this.replace(child));
    // Neither the writer nor its pipes keep this process alive: it ends by itself at the end of its input.
    child.unref();
    for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?(): void })?.unref?.();
    return child;
  }

  /** The writer died: another one is started for the pipes that have not ended, which it opens again. */
  private replace(dead: ChildProcess): void {
    if (this.child !== dead) return;
    this.child = undefined;
    this.lastPid = dead.pid as number;
    if (this.pending.size === 0) return;
    const diedAt = Date.now();
    this.respawning = true;
    const wait = Math.max(0, this.lastStart + replaceEveryMs - diedAt);
    setTimeout(() => {
      this.respawning = false;
      const next = this.ensure();
      const gapMs = Date.now() - diedAt;
      for (const entry of this.pending.values()) {
        this.send(entry.request);
        for (const listener of entry.listeners)
          listener({ oldPid: dead.pid as number, newPid: next.pid as number, gapMs });
      }
    }, wait).unref();
  }
}

let shared: SharedWriter | undefined;

/** This process's log writer. */
export function sharedWriter(): SharedWriter {
  shared ??= new SharedWriter();
  return shared;
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

/** The bundled log writer (dist/bundle/log-writer.js, made by `npm run build`). */
export function logWriterScript(): string {
  if (writerScript !== undefined) return writerScript;
  const script = join(packageRoot(), 'dist', 'bundle', 'log-writer.js');
  if (!existsSync(script))
    throw new Error(`the log writer ${script} is missing: build first (npm run build)`);
  writerScript = script;
  return script;
}
