import path from 'node:path';
import type { Logger } from 'pino';
import { waitForWriterExit } from '../capture/capture.js';
import { readLogTail } from '../capture/log-tail-read.js';
import { groupExists, terminateGroup } from '../process/terminate.js';
import type { Product } from '../products/product.js';
import type { ExitRecord } from '../state/instance-record.js';
import { judgeExit, linesSinceRelaunch } from './exit-verdict.js';
import { identifyJvm } from './jvm-watch.js';
import type { OutputCapture } from './output-capture.js';
import { isLaunchMarker, thisRunsLines } from './output-capture.js';
import { portsReleased } from './port-release.js';
import { describeScriptStatus, type Run } from './run.js';

export interface RunContext {
  readonly home: string;
  readonly product: Product;
  readonly ports: readonly number[];
  readonly logFile: string;
  readonly output: OutputCapture;
  readonly log: Logger;
}

/** How much of the log's end an exit is judged from. */
const judgedBytes = 64 * 1024;

export const pidFileOf = (context: RunContext): string => path.join(context.home, context.product.pidFile);

/**
 * A run whose start script ended without being asked to: its leftovers are ended (a grandchild, the
 * diagnostics child, an orphaned JVM), its output is made complete in the log, and `judgeExit` decides
 * whether it shut down, crashed, or never became ready.
 */
export async function concludeRun(
  run: Run,
  wasReady: boolean,
  context: RunContext,
  /** Called once the run's processes are gone: its ports can be looked at for the next launch. */
  onGone: () => void = () => {},
): Promise<Omit<ExitRecord, 'at'>> {
  // The usual crash: the whole group is gone, its JVM with it (one that left the group is not ours to end).
  const alive = groupExists(run.pgid);
  const jvm = alive ? identifyJvm(pidFileOf(context), run.pgid) : undefined;
  if (alive) await terminateGroup({ pgid: run.pgid, jvm, timeoutMs: 5000 });
  const status = describeScriptStatus(run.exit);
  // Everything the run wrote must be in the log before it is judged: the pipe we hold gets a marker; a run
  // from before capture went through a named pipe has a writer that ends once its last process is gone.
  // The marker goes first: while the writer wakes and writes it, the ports are looked at (restart path).
  const note = `start script (pid ${run.pid}) ended with ${status}`;
  const flushing = context.output.holdsPipe
    ? context.output.flushed(note, judgedBytes, run.launchedAt)
    : waitForWriterExit(run.writerPid, 2000).then(() => undefined);
  onGone();
  const tail = (await flushing) ?? readLogTail(context.logFile, judgedBytes, isLaunchMarker);
  const lines = linesSinceRelaunch(thisRunsLines(tail));
  const verdict = judgeExit(context.product, { lines, status, wasReady, jvmAlive: jvm?.pid });
  return { ...verdict, code: run.exit?.code ?? null, signal: run.exit?.signal ?? null };
}

/**
 * Stops a run's whole process tree (SIGTERM to the JVM, checked by start time, and the group; SIGKILL
 * after `timeoutMs`) and waits (bounded) for its ports to be released.
 */
export async function stopRun(
  run: Run,
  timeoutMs: number,
  context: RunContext,
): Promise<Omit<ExitRecord, 'at'>> {
  const jvm = identifyJvm(pidFileOf(context), run.pgid) ?? run.jvm;
  const { graceful } = await terminateGroup({ pgid: run.pgid, jvm, timeoutMs });
  if (!graceful)
    context.log.warn({ event: 'killed', timeoutSeconds: timeoutMs / 1000 }, 'SIGKILL after stop timeout');
  const held = await portsReleased(context.ports, run.startTime, 5000);
  if (held.length > 0)
    context.log.warn({ event: 'ports-still-held', ports: held }, 'ports still held after the stop');
  const reason = graceful ? 'stopped' : `killed after stopTimeoutSeconds (${timeoutMs / 1000}s)`;
  return { kind: 'crash', reason, code: run.exit?.code ?? null, signal: run.exit?.signal ?? null };
}
