import { lstatSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { type Capture, startCapture } from '../capture/capture.js';
import { type CaptureStatus, readCaptureStatus, statusFileOf } from '../capture/capture-status.js';
import { pipeOf } from '../capture/fifos.js';
import type { LogPosition } from '../capture/log-tail.js';
import { readLinesFrom, readLogTail } from '../capture/log-tail-read.js';
import { isRunning } from '../process/proc-stat.js';
import { SharedTicker } from './shared-ticker.js';
import { markerPrefix } from './start-line.js';

/**
 * One instance's output capture as the supervisor sees it: its log writer (kept across runs, so a restart
 * neither pays for nor competes with a new one), the writer's own report of how capture goes, and the
 * supervisor's marker lines in the pipe. The writer, not the supervisor, is in the data path.
 */
export class OutputCapture {
  private capture: Capture | undefined;
  private report: CaptureStatus | undefined;
  /** Log writers that died and were replaced, for status. */
  private replaced: { count: number; at: number; gapMs: number } | undefined;
  /** The report file's mtime and size when last read: most checks cost one stat. */
  private signature = '';

  constructor(
    private readonly logFile: string,
    private readonly logs: { readonly maxBytes: number; readonly files: number },
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  /** The running writer, started when there is none (first launch, or the last one ended). */
  async writer(): Promise<Capture> {
    if (this.capture?.isRunning()) return this.capture;
    return this.begin(await startCapture({ logFile: this.logFile, ...this.logs }));
  }

  /**
   * Takes over the capture of a run an earlier supervisor launched: its pipe is held again and its writer
   * watched (and replaced should it die). A run from before capture went through a named pipe has none:
   * its writer ends with it, and the next launch starts a new one.
   */
  async adopt(writerPid: number): Promise<void> {
    if (this.capture?.isRunning() || !isFifo(pipeOf(this.logFile))) return;
    this.begin(await startCapture({ logFile: this.logFile, ...this.logs }, writerPid));
  }

  /** Whether the supervisor holds the instance's pipe (markers reach the log through it). */
  get holdsPipe(): boolean {
    return this.capture?.isRunning() === true;
  }

  /** The writer reading the instance's pipe now. */
  writerPid(): number | undefined {
    return this.capture?.writerPid();
  }

  /** Log writers replaced since this supervisor started, for status: how many, and the last gap. */
  get writerReplacements(): { count: number; at: number; gapMs: number } | undefined {
    return this.replaced;
  }

  private begin(capture: Capture): Capture {
    this.capture = capture;
    capture.onReplaced(({ oldPid, newPid, gapMs }) => {
      this.replaced = { count: (this.replaced?.count ?? 0) + 1, at: Date.now(), gapMs };
      this.log.warn(
        { event: 'capture-writer-replaced', oldPid, newPid, gapMs },
        `the log writer (pid ${oldPid}) died; pid ${newPid} reads the pipe on after ${gapMs} ms`,
      );
      this.changed();
    });
    return capture;
  }

  /** Set by the runner: told when something status shows has changed. */
  changed: () => void = () => {};

  /** The writer's report while capture fails, or once it has lost output: undefined while all is well. */
  get trouble(): CaptureStatus | undefined {
    const report = this.report;
    return report && (report.state === 'failing' || report.droppedBytes > 0) ? report : undefined;
  }

  /**
   * Reads the writer's report and says in the supervisor log when capture begins to fail and when it
   * resumes; true when that changed. The only way the supervisor learns of a full disk or a log folder
   * gone read-only.
   */
  async check(): Promise<boolean> {
    const changed = statSignature(statusFileOf(this.logFile));
    let report = this.report;
    if (changed !== this.signature) {
      const read = await readCaptureStatus(this.logFile);
      // A report caught half-rewritten (the writer rewrites in place exactly while failing) changes
      // nothing, and is read again next time.
      if (read !== undefined || changed === '') {
        this.signature = changed;
        report = read;
      }
    }
    // A writer killed mid-failure leaves a stale report behind: the next writer starts afresh.
    if (report?.state === 'failing' && !isRunning(report.pid)) report = undefined;
    const was = this.report;
    this.report = report;
    const failing = report?.state === 'failing';
    if (report !== undefined && failing && (was?.state !== 'failing' || was.error !== report.error)) {
      this.log.warn(
        { event: 'capture-failing', error: report.error, droppedBytes: report.droppedBytes },
        `output capture failing: ${report.error}; the instance runs on, its output is drained and counted as lost until the log can be written`,
      );
      return true;
    }
    if (!failing && was?.state === 'failing') {
      this.log.info(
        { event: 'capture-resumed', droppedBytes: report?.droppedBytes ?? was.droppedBytes },
        'output capture resumed',
      );
      return true;
    }
    return false;
  }

  /**
   * Checks the writer's report every 10 s (the health checks' period) until stopped; a status request
   * looks afresh. `onChange`: capture began to fail, or resumed.
   */
  checkEvery(onChange: () => void, onError: (error: unknown) => void): () => void {
    return captureChecks.add(() => {
      this.check()
        .then((changed) => changed && onChange())
        .catch(onError);
    });
  }

  /** Writes a line of the supervisor's own into the pipe, after everything the instance wrote before it. */
  mark(note: string): string {
    const line = `${markerPrefix} ${new Date().toISOString()} ${this.name}: ${note}`;
    this.capture?.mark(line);
    return line;
  }

  /**
   * Writes a marker and waits (bounded) until it is in the log: everything the instance wrote before is
   * then there too, and an exit can be judged from the output. Resolves the lines from `from` (the run's
   * start) when the log still holds them in at most `tailBytes`, else its last `tailBytes` as lines
   * (readLogTail), the marker last among them, so that the judge need not read them again: this is the
   * restart path. Undefined when the marker was not seen.
   */
  async flushed(note: string, tailBytes: number, from?: LogPosition): Promise<string[] | undefined> {
    const capture = this.capture;
    if (capture === undefined) return undefined;
    let seen = statSignature(this.logFile);
    const marker = this.mark(note);
    const since = Date.now();
    // The writer has it in the log ~0.1-0.3 ms later. Until then the log's size and time are looked at on
    // every turn of the loop (a stat, microseconds), for 2 ms at most, then after 1, 2, 4... ms; the lines
    // are read when they change. This is the restart path: a timer's 1 ms minimum was a third of our part
    // of it. A round trip asking the writer instead (it drains the pipe, then answers) took 1.35-1.55 ms.
    for (let pause = 0; capture.isRunning() && Date.now() - since < flushWaitMs; ) {
      const now = statSignature(this.logFile);
      if (now !== seen) {
        seen = now;
        const tail =
          (from && readLinesFrom(this.logFile, from, tailBytes)) ??
          readLogTail(this.logFile, tailBytes, isLaunchMarker);
        if (tail.includes(marker)) return tail;
      }
      if (Date.now() - since >= flushSpinMs) pause = Math.min(pause * 2 || 1, 50);
      await new Promise((resolve) => (pause === 0 ? setImmediate(resolve) : setTimeout(resolve, pause)));
    }
    return undefined;
  }

  /**
   * Drops this supervisor's hold on the pipe at once, for a runner with new settings to take over the
   * writer (a reload): the writer goes on while the instance writes.
   */
  handOver(): void {
    const capture = this.capture;
    this.capture = undefined;
    capture?.release();
  }

  /** Lets the writer end once the instance's processes are gone, and waits (bounded) for it to have written all. */
  async close(): Promise<void> {
    const capture = this.capture;
    this.capture = undefined;
    capture?.release();
    if (capture) await Promise.race([capture.finished, new Promise((r) => setTimeout(r, 2000))]);
  }
}

function isFifo(file: string): boolean {
  try {
    return lstatSync(file).isFIFO();
  } catch {
    return false;
  }
}

/** A file's modification time and size, or '' when it cannot be seen. */
function statSignature(file: string): string {
  try {
    const { mtimeMs, size } = statSync(file);
    return `${mtimeMs}:${size}`;
  } catch {
    return '';
  }
}

/** One timer for every instance's capture check (shared-ticker.ts). */
const captureChecks = new SharedTicker(10_000);

/** How long an exit waits for its output to reach the log, and how much of that on every turn of the loop. */
const flushWaitMs = 2000;
const flushSpinMs = 2;

const launchMarker = ': launching ';

export const launchNote = (script: string): string => `launching ${script}`;

/** A line the supervisor wrote into the pipe right before a launch. */
export const isLaunchMarker = (line: string): boolean =>
  line.startsWith(markerPrefix) && line.includes(launchMarker);

/**
 * The output of the last run only: the lines after its launch marker (earlier runs' shutdown lines must not
 * make this run's crash look clean), without the supervisor's own lines. A tail with no launch marker is
 * all this run's: its marker came before its output.
 */
export function thisRunsLines(tail: readonly string[]): string[] {
  let start = 0;
  tail.forEach((line, k) => {
    if (isLaunchMarker(line)) start = k + 1;
  });
  return tail.slice(start).filter((line) => !line.startsWith(markerPrefix));
}
