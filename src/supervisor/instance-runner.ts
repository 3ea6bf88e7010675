import { endOf } from '../capture/capture.js';
import { logFileOf } from '../capture/fifos.js';
import { sharedSecureContext } from '../process/readiness-probe.js';
import { killGroup, terminateGroup } from '../process/terminate.js';
import { portSet, productOf } from '../products/catalog.js';
import { offsetLaunch, privateVariables } from '../products/offset-launch.js';
import type { Product } from '../products/product.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import { systemClock } from './clock.js';
import { InstanceLifecycle } from './instance-lifecycle.js';
import { identifyJvm, sameJvm, watchPidFile } from './jvm-watch.js';
import { launchNote, OutputCapture } from './output-capture.js';
import { PortPreflight } from './preflight.js';
import { type ReadinessPlan, readinessPlan } from './readiness-plan.js';
import { adoptRun, launchEnvironment, launchRun, type Run } from './run.js';
import { concludeRun, pidFileOf, type RunContext, stopRun } from './run-end.js';
import type { RunnerOptions } from './runner-options.js';
import { RunnerWatches } from './runner-watches.js';

/**
 * What an adopted run caught starting gets at least to show it is ready, however long ago it was launched:
 * one that became ready while no supervisor watched must not be failed before it is even asked.
 */
const adoptedGraceMs = 15_000;

/**
 * Carries out one instance's state machine (machine.ts): launches or adopts a run (run.ts), has its start
 * watched (start-watch.ts), its health and JVM followed (runner-watches.ts), judges how it ended
 * (exit-verdict.ts) and stops its whole process tree. Emits `change` after every transition.
 */
export class InstanceRunner extends InstanceLifecycle {
  private readonly product: Product;
  private readonly ports: readonly number[];
  private readonly readiness: ReadinessPlan;
  private readonly logFile: string;
  private readonly context: RunContext;
  private readonly preflight: PortPreflight;
  /** The arguments and environment every launch gets (but for its run tag), made once: the restart path. */
  private readonly launchWith: { readonly args: readonly string[]; readonly environment: NodeJS.ProcessEnv };
  protected readonly output: OutputCapture;
  protected readonly watches: RunnerWatches;

  constructor(private readonly options: RunnerOptions) {
    const { config } = options;
    const log = options.log.child({ instance: config.name });
    super(
      config.name,
      config,
      options.offset,
      options.clock ?? systemClock,
      options.random ?? Math.random,
      log,
    );
    this.product = productOf(config.product);
    this.ports = portSet(this.product, options.offset).map((p) => p.port);
    this.preflight = new PortPreflight(this.ports, this.clock);
    const placed = offsetLaunch(this.product, options.offset);
    const env = { ...config.env, ...placed.env };
    this.launchWith = {
      args: [...placed.args, ...config.args],
      environment: launchEnvironment(env, privateVariables(this.product, process.env), config.home),
    };
    this.readiness = readinessPlan(config, options.offset);
    // Made now, not on the first readiness probe, which is on the critical path of a start.
    if (this.readiness.url?.startsWith('https:')) sharedSecureContext();
    this.logFile = logFileOf(options.stateDir, this.name);
    this.output = new OutputCapture(this.logFile, config.logs, this.log, this.name);
    this.output.changed = () => this.emit('change');
    const { home } = config;
    this.context = {
      home,
      product: this.product,
      ports: this.ports,
      logFile: this.logFile,
      output: this.output,
      log: this.log,
    };
    this.watches = new RunnerWatches({
      config,
      product: this.product,
      readiness: this.readiness,
      ports: this.ports,
      clock: this.clock,
      logFile: this.logFile,
      probeIntervalMs: options.probeIntervalMs ?? 100,
      healthIntervalMs: options.healthIntervalMs ?? 10_000,
      healthTimeoutMs: options.healthTimeoutMs ?? 5000,
      dispatch: (event) => this.dispatch(event),
      onHealth: (report, change) => this.onHealth(report, change),
      onReady: (run, unbound) => this.onReady(run, unbound),
      checkJvm: (run) => this.checkJvm(run),
      onError: (error, run) => this.internalError(error, run),
    });
  }

  /**
   * Takes over a run an earlier supervisor launched and recorded, after the caller verified (pid and start
   * time) that it still lives. No process is started: its state, restarts and last exit carry over.
   */
  adopt(saved: InstanceSnapshot): void {
    const run = adoptRun(saved, this.clock);
    if (run === undefined) return;
    this.run = run;
    // A run caught starting stays starting until its readiness check passes (its dependents wait for that);
    // one caught stopping is watched as running: its health check tells the rest.
    const starting = saved.machine.state === 'starting';
    // One caught stopping was being stopped (by the user, or for a failure): the stop is carried through.
    const stopping = saved.machine.state === 'stopping';
    const state = stopping ? 'running' : saved.machine.state;
    const { detail: _d, wait: _w, readySince, ...machine } = saved.machine;
    const now = this.clock.now();
    this.machine = { ...machine, state, ...(!starting && { readySince: readySince ?? now }) };
    this.log.info(
      { event: 'adopted', scriptPid: run.pid, jvmPid: run.jvm?.pid, offset: this.options.offset, state },
      'adopted',
    );
    // The earlier supervisor's pipe is held again, so a writer that dies from now on is replaced.
    this.output.adopt(run.writerPid).catch((error: unknown) => this.internalError(error, run));
    this.observe(run);
    if (starting) {
      // With what is left of its start timeout, and a grace for this supervisor's first look.
      const left = this.options.config.startTimeoutSeconds * 1000 - (this.clock.now() - run.startedAt);
      this.watches
        .resume(
          run,
          'launch',
          Math.max(adoptedGraceMs, left),
          () => this.run === run && this.state === 'starting',
        )
        .catch((error: unknown) => this.internalError(error, run));
    } else this.watches.health(run);
    this.emit('change');
    if (stopping && !machine.failing) this.dispatch({ type: 'stop' });
    else if (stopping && machine.failing) this.dispatch({ type: 'fail', ...machine.failing });
  }

  protected async launch(): Promise<void> {
    if (this.state !== 'starting' || this.halted) return;
    // Both at once: this is the restart path, and each is a round of I/O.
    const [preflight, capture, logStart] = await Promise.all([
      this.preflight.busyPort(),
      this.output.writer(),
      endOf(this.logFile),
    ]);
    if (preflight !== undefined) {
      const { busy, reason } = preflight;
      return this.dispatch({ type: 'ended', exit: { kind: 'start-failed', reason }, busy });
    }
    // A stop or kill may have come while this launch awaited: then nothing is spawned.
    if (this.state !== 'starting' || this.halted) return;
    const { config } = this.options;
    this.output.mark(launchNote(config.script));
    const launched = await launchRun({
      launch: this.expectedLaunch,
      script: config.script,
      ...this.launchWith,
      home: config.home,
      stateDir: this.options.stateDir,
      instance: this.name,
      output: capture.output,
      writerPid: capture.writerPid(),
      logStart,
      clock: this.clock,
      onRunId: (runId) => {
        this.launchingRunId = runId;
      },
    });
    this.launchingRunId = undefined;
    if ('failed' in launched) {
      this.dispatch({ type: 'ended', exit: { kind: 'start-failed', reason: launched.failed } });
      return;
    }
    // Killed (a second Ctrl-C) while it was being spawned: it must not outlive the supervisor.
    if (this.halted) return killGroup(launched.pgid);
    this.run = launched;
    this.log.info(
      { event: 'launched', scriptPid: launched.pid, offset: this.options.offset, script: config.script },
      'launched',
    );
    this.observe(launched);
    this.watches.start(launched, { timeoutMs: config.startTimeoutSeconds * 1000 });
    this.emit('change');
  }

  /** Follows a run's end, its JVM (a Carbon relaunch) and its output capture. */
  private observe(run: Run): void {
    run.ended
      .then((status) => {
        run.exit = status;
        return this.onScriptEnd(run);
      })
      .catch((error: unknown) => this.internalError(error, run));
    const checkJvm = () => void this.checkJvm(run).catch((error: unknown) => this.internalError(error, run));
    this.watches.jvm(watchPidFile(pidFileOf(this.context), checkJvm));
    // Now too for an adopted run: a relaunch while no supervisor watched is seen at once, not at a health
    // check. A run just launched has no JVM yet (its pid file is the last run's): the watch will see it.
    if (run.adopted) checkJvm();
    this.watches.capture(
      this.output.checkEvery(
        () => this.emit('change'),
        (e) => this.internalError(e),
      ),
    );
  }

  /**
   * Who the run's JVM is now. A new one (another pid or start time) in the same run is Carbon's own
   * restart: the script runs the JVM again after it exits 121. That is a restart (counted, logged, back
   * through readiness), not the same JVM going on.
   */
  private async checkJvm(run: Run): Promise<boolean> {
    const jvm = identifyJvm(pidFileOf(this.context), run.pgid);
    if (jvm === undefined || run.over || this.run !== run || sameJvm(jvm, run.jvm)) return false;
    const old = run.jvm;
    run.jvm = jvm;
    if (old === undefined) {
      this.emit('change');
      return false;
    }
    run.startedAt = this.clock.now();
    this.log.warn({ event: 'relaunched', oldJvmPid: old.pid, jvmPid: jvm.pid }, 'Carbon relaunched its JVM');
    this.dispatch({
      type: 'relaunched',
      reason: `the JVM (pid ${old.pid}) was relaunched by its start script as pid ${jvm.pid} (Carbon restart, exit 121)`,
    });
    return true;
  }

  /** After a relaunch: the new JVM's start is watched from the output after the old JVM's last words. */
  protected relaunchStart(run: Run): void {
    this.watches.stopStart();
    this.watches.stopHealth();
    const timeoutMs = this.options.config.startTimeoutSeconds * 1000;
    this.watches
      .resume(run, 'relaunch', timeoutMs, () => this.run === run && this.state === 'starting')
      .catch((error: unknown) => this.internalError(error, run));
  }

  private async onReady(run: Run, unbound: readonly number[]): Promise<void> {
    if (await this.checkJvm(run)) return; // relaunched meanwhile: that JVM's start is watched anew
    if (run.over || this.run !== run || this.state !== 'starting') return;
    if (unbound.length > 0)
      this.log.warn({ event: 'ports-not-listening', ports: unbound }, 'planned ports not listening');
    this.health = { ok: true, since: this.clock.now() };
    this.dispatch({ type: 'ready' });
    this.watches.health(run);
  }

  /** The script ended. If the supervisor did not ask, find out whether the JVM shut down or crashed. */
  private async onScriptEnd(run: Run): Promise<void> {
    if (this.state === 'stopping' || run.over || this.run !== run) return; // terminate() ends this run
    this.watches.quiet(run);
    const ended = concludeRun(run, this.state === 'running', this.context, () => this.preflight.look());
    this.endRun(run, await ended);
  }

  /** Stops the current run's whole process tree and waits for its ports to be released. */
  protected async terminate(): Promise<void> {
    const run = this.run;
    if (run === undefined || run.over) {
      this.dispatch({ type: 'ended', exit: { kind: 'crash', reason: 'stopped before it was launched' } });
      return;
    }
    this.watches.quiet(run);
    const timeoutMs = this.options.config.stopTimeoutSeconds * 1000;
    const now = this.clock.now();
    const since = this.machine.wait?.kind === 'stopping' ? this.machine.wait.since : now;
    this.dispatch({ type: 'wait', wait: { kind: 'stopping', since, killAt: now + timeoutMs } });
    this.endRun(run, await stopRun(run, timeoutMs, this.context));
  }

  /**
   * A bug or an I/O failure inside the supervisor must neither crash it nor leave the instance stuck in
   * `starting` or `stopping`: the live run is stopped whole and ends as a crash (the policy decides).
   */
  protected internalError(error: unknown, run: Run | undefined = this.run): void {
    this.log.error(
      { event: 'internal-error', error: String((error as Error)?.stack ?? error) },
      'internal error',
    );
    const reason = `supervisor error: ${String(error)}`;
    if (run === undefined || run.over) {
      if (this.state === 'starting' || this.state === 'stopping')
        this.dispatch({ type: 'ended', exit: { kind: 'crash', reason } });
      return;
    }
    this.watches.quiet(run);
    terminateGroup({ pgid: run.pgid, jvm: run.jvm, timeoutMs: 5000 })
      .then(() => this.endRun(run, { kind: 'crash', reason }))
      .catch((again: unknown) =>
        this.log.error({ event: 'internal-error', error: String(again) }, 'internal error while recovering'),
      );
  }
}
