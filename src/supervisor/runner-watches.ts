import { endOf } from '../capture/capture.js';
import { readLogTail } from '../capture/log-tail-read.js';
import type { InstanceConfig } from '../manifest/instance-config.js';
import type { Product } from '../products/product.js';
import type { HealthReport } from '../state/instance-record.js';
import type { Clock } from './clock.js';
import { linesSinceRelaunch } from './exit-verdict.js';
import { monitorHealth } from './health-monitor.js';
import type { MachineEvent } from './machine.js';
import { isLaunchMarker, thisRunsLines } from './output-capture.js';
import type { ReadinessPlan } from './readiness-plan.js';
import type { Run } from './run.js';
import { watchStart } from './start-watch.js';

export interface WatchSettings {
  readonly config: InstanceConfig;
  readonly product: Product;
  readonly readiness: ReadinessPlan;
  readonly ports: readonly number[];
  readonly clock: Clock;
  readonly logFile: string;
  readonly probeIntervalMs: number;
  readonly healthIntervalMs: number;
  readonly healthTimeoutMs: number;
  readonly dispatch: (event: MachineEvent) => void;
  readonly onHealth: (report: HealthReport, change: 'failing' | 'recovered' | undefined) => void;
  readonly onReady: (run: Run, unbound: readonly number[]) => Promise<void>;
  /** Looks again at who the run's JVM is (a missed pid-file event must not hide a relaunch). */
  readonly checkJvm: (run: Run) => Promise<boolean>;
  readonly onError: (error: unknown, run: Run) => void;
}

/**
 * What watches a run while it lives: its start (until ready or failed), then its health, its JVM's pid
 * file and its capture report. Each is one cancel function; `quiet` ends them all, as a run ends or is
 * stopped, so no late callback acts on a run that is over.
 */
export class RunnerWatches {
  private cancelStart = () => {};
  private cancelHealth = () => {};
  private cancelJvm = () => {};
  private cancelCapture = () => {};
  /** Bumped by each new start watch: an outcome of an older one is ignored. */
  private generation = 0;

  constructor(private readonly settings: WatchSettings) {}

  start(run: Run, extra: { earlier?: readonly string[]; probeNow?: boolean; timeoutMs: number }): void {
    this.stopStart();
    const generation = ++this.generation;
    const { settings } = this;
    const watch = watchStart({
      run,
      logFile: settings.logFile,
      product: settings.product,
      readiness: settings.readiness,
      ports: settings.ports,
      clock: settings.clock,
      probeIntervalMs: settings.probeIntervalMs,
      timeoutSeconds: settings.config.startTimeoutSeconds,
      ...extra,
      onWait: (wait) => {
        if (generation === this.generation && !run.over) settings.dispatch({ type: 'wait', wait });
      },
    });
    this.cancelStart = watch.stop;
    watch.outcome
      .then((outcome) => {
        if (generation !== this.generation || run.over) return;
        if (outcome.ready) return settings.onReady(run, outcome.unbound);
        if (outcome.reason !== 'stopped')
          settings.dispatch({ type: 'fail', kind: 'start-failed', reason: outcome.reason });
      })
      .catch((error: unknown) => settings.onError(error, run));
  }

  /**
   * Watches a start whose first lines may already be in the log: a run adopted while starting (judged from
   * its launch marker on; without the marker in reach, only a ready line is taken, no failure), or a run
   * whose JVM Carbon relaunched (from the old JVM's last words on). Readiness is probed at once.
   */
  async resume(
    run: Run,
    from: 'launch' | 'relaunch',
    timeoutMs: number,
    stillWanted: () => boolean,
  ): Promise<void> {
    const { logFile, readiness } = this.settings;
    run.logStart = await endOf(logFile);
    const tail = readLogTail(logFile, 256 * 1024);
    if (run.over || !stillWanted()) return;
    const marked = tail.some(isLaunchMarker);
    const earlier =
      from === 'relaunch'
        ? linesSinceRelaunch(thisRunsLines(tail))
        : marked
          ? thisRunsLines(tail)
          : tail.filter(
              (line) => readiness.line?.test(line) || this.settings.product.listenerLine?.test(line),
            );
    this.start(run, { earlier, probeNow: from === 'relaunch' || !marked, timeoutMs });
  }

  health(run: Run): void {
    this.stopHealth();
    const { settings } = this;
    const liveness = settings.readiness.liveness;
    if (liveness === undefined) return;
    this.cancelHealth = monitorHealth({
      liveness,
      clock: settings.clock,
      intervalMs: settings.healthIntervalMs,
      timeoutMs: settings.healthTimeoutMs,
      unhealthyAfterSeconds: settings.config.unhealthyAfterSeconds,
      onVerdict: (verdict) => {
        if (run.over) return;
        settings.onHealth(verdict.report, verdict.change);
        if (verdict.crash !== undefined)
          settings.dispatch({ type: 'fail', kind: 'crash', reason: verdict.crash });
        else settings.checkJvm(run).catch((error: unknown) => settings.onError(error, run));
      },
    });
  }

  /** Keeps the cancel function of the run's pid-file watch. */
  jvm(cancel: () => void): void {
    this.cancelJvm();
    this.cancelJvm = cancel;
  }

  /** Keeps the cancel function of the run's capture checks. */
  capture(cancel: () => void): void {
    this.cancelCapture();
    this.cancelCapture = cancel;
  }

  stopStart(): void {
    this.generation++;
    this.cancelStart();
    this.cancelStart = () => {};
  }

  stopHealth(): void {
    this.cancelHealth();
    this.cancelHealth = () => {};
  }

  quiet(run: Run): void {
    run.forget();
    this.stopStart();
    this.stopHealth();
    this.cancelJvm();
    this.cancelCapture();
    this.cancelJvm = () => {};
    this.cancelCapture = () => {};
  }
}
