import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { InstanceConfig } from '../manifest/instance-config.js';
import { killGroup } from '../process/terminate.js';
import type { ExitRecord, HealthReport, InstanceSnapshot } from '../state/instance-record.js';
import type { Clock } from './clock.js';
import { launchDigest } from './launch-digest.js';
import { initialMachine, type MachineEvent, transition } from './machine.js';
import type { OutputCapture } from './output-capture.js';
import type { Run } from './run.js';
import type { RunnerWatches } from './runner-watches.js';
import { describeMachine, waitKey } from './wait.js';

/**
 * One instance's lifecycle: the state machine's current state, the events that drive it (logged as they
 * change state or what it waits for) and the scheduling of its effects. What the effects do to processes
 * is the runner's (instance-runner.ts). Emits `change` after every event.
 */
export abstract class InstanceLifecycle extends EventEmitter {
  protected machine = initialMachine;
  protected health: HealthReport | undefined;
  protected run: Run | undefined;
  protected cancelRestart = () => {};
  /** Set by kill(): nothing is launched or restarted any more. */
  protected halted = false;
  /** Set from just before a spawn until its run is recorded: its processes may exist already. */
  protected launchingRunId: string | undefined;
  protected abstract readonly output: OutputCapture;
  protected abstract readonly watches: RunnerWatches;
  /** Launches and stops are carried out one after the other, never interleaved. */
  private operations: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    protected readonly config: InstanceConfig,
    protected readonly offset: number,
    protected readonly clock: Clock,
    protected readonly random: () => number,
    protected readonly log: Logger,
  ) {
    super();
  }

  protected abstract launch(): Promise<void>;
  protected abstract terminate(): Promise<void>;
  /** Carbon relaunched the run's JVM: watch the new one's start. */
  protected abstract relaunchStart(run: Run): void;
  protected abstract internalError(error: unknown, run?: Run): void;

  get state() {
    return this.machine.state;
  }

  private launchDigest: string | undefined;

  /** What a run launched now would be launched with (launch-digest.ts); worked out once, at the first launch. */
  get expectedLaunch(): string {
    this.launchDigest ??= launchDigest(this.config, this.offset);
    return this.launchDigest;
  }

  get stopTimeoutMs(): number {
    return this.config.stopTimeoutSeconds * 1000;
  }

  /** Starts, or waits first for `blockedBy`, a dependency not running yet (the fleet says which). */
  start(blockedBy?: { on: string; state: string }): void {
    const wait = this.machine.wait;
    const same = wait?.kind === 'dependency' && wait.on === blockedBy?.on && wait.state === blockedBy.state;
    if (this.state === 'waiting' && same) return; // nothing new: no event, no change to announce
    this.dispatch({ type: 'start', ...(blockedBy && { blockedBy }) });
  }

  dependencyFailed(on: string): void {
    this.dispatch({ type: 'dependency-failed', on });
  }

  /** Asks for a stop and resolves once the instance has settled (stopped, or it was not running). */
  stop(): Promise<void> {
    this.dispatch({ type: 'stop' });
    return this.settled();
  }

  /** Resolves when no launch or stop is under way and the state is not a transient one. */
  settled(): Promise<void> {
    const transient = () => this.state === 'starting' || this.state === 'stopping';
    if (!transient()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (transient()) return;
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
    });
  }

  /** The ids of this instance's runs whose processes may live: the current one, and one being launched. */
  runIds(): string[] {
    return [this.run?.over ? undefined : this.run?.runId, this.launchingRunId].filter(
      (id): id is string => id !== undefined,
    );
  }

  snapshot(): InstanceSnapshot {
    const run = this.run && !this.run.over ? this.run : undefined;
    const now = this.clock.now();
    const capture = this.output.trouble;
    return {
      name: this.name,
      product: this.config.product,
      offset: this.offset,
      machine: { ...this.machine, detail: describeMachine(this.machine, now, this.health) },
      ...(run && {
        pid: run.pid,
        pgid: run.pgid,
        writerPid: this.output.writerPid() ?? run.writerPid,
        startedAt: run.startedAt,
      }),
      ...(run?.runId !== undefined && { runId: run.runId }),
      ...(run?.launch !== undefined && { launch: run.launch }),
      ...(run?.startTime !== undefined && { startTime: run.startTime }),
      ...(run?.jvm && { jvmPid: run.jvm.pid, jvmStartTime: run.jvm.startTime }),
      ...(this.health && { health: this.health }),
      ...(capture && { capture }),
      ...(this.output.writerReplacements && { writerReplaced: this.output.writerReplacements }),
    };
  }

  /** SIGKILL everything at once (a second Ctrl-C): no grace, no restart. */
  async kill(): Promise<void> {
    this.halted = true;
    this.cancelRestart();
    const run = this.run;
    if (run) this.watches.quiet(run);
    if (run && !run.over) await killGroup(run.pgid);
  }

  /** Reads the log writer's report afresh (a status request does, so a capture failing now shows). */
  async checkCapture(): Promise<void> {
    if (await this.output.check()) this.emit('change');
  }

  /**
   * Takes over what the runner this one replaces knew: its restarts total and the history of its ends (a
   * reload that restarts the instance: `restarts` never decreases while supervised), or, `whole`, its
   * settled state too (stopped, failed or exited: a reload that changed only settings leaves it so).
   */
  inherit(previous: InstanceSnapshot, whole = false): void {
    const { restartsTotal, history } = previous.machine;
    if (whole) {
      const { detail: _d, wait: _w, ...machine } = previous.machine;
      this.machine = machine;
      return;
    }
    this.machine = {
      ...this.machine,
      ...(restartsTotal !== undefined && { restartsTotal }),
      ...(history !== undefined && { history }),
    };
  }

  /**
   * Lets go of a live run without stopping it, so that a runner with new settings adopts it (a reload that
   * changes nothing the JVM sees). Undefined, and nothing let go, when there is no settled run to hand over:
   * none, or one being launched or stopped. The runner is then inert: it no longer knows the run.
   */
  handOver(): InstanceSnapshot | undefined {
    const run = this.run;
    if (run === undefined || run.over || !['starting', 'running'].includes(this.state)) return undefined;
    const snapshot = this.snapshot();
    this.watches.quiet(run);
    this.output.handOver();
    this.run = undefined;
    this.retire();
    return snapshot;
  }

  /** From now on this runner does nothing: no restart, no event (it has been replaced). */
  retire(): void {
    this.halted = true;
    this.cancelRestart();
    this.removeAllListeners('change');
  }

  /** Lets the log writer end once the instance's processes are gone, and waits (bounded) for it. */
  close(): Promise<void> {
    if (this.run) this.watches.quiet(this.run);
    return this.output.close();
  }

  /**
   * An instance recorded as live whose processes were all gone when this supervisor started: it ended
   * while no supervisor watched. Judged as a crash, so its policy decides what happens next.
   */
  endedUnwatched(saved: InstanceSnapshot): void {
    const { detail: _d, wait: _w, ...machine } = saved.machine;
    // Recorded stopping: the stop (or the failure it was for) is what ended it, not a crash.
    this.machine = { ...machine, state: saved.machine.state === 'stopping' ? 'stopping' : 'running' };
    this.dispatch({
      type: 'ended',
      exit: { kind: 'crash', reason: 'ended while no supervisor was watching' },
    });
  }

  protected onHealth(report: HealthReport, change: 'failing' | 'recovered' | undefined): void {
    if (this.state !== 'running') return;
    this.health = report;
    if (change === 'failing')
      this.log.warn({ event: 'unhealthy', error: report.error }, 'health check failing');
    if (change === 'recovered') this.log.info({ event: 'healthy' }, 'health check passes again');
    if (change) this.emit('change');
  }

  protected endRun(run: Run, exit: Omit<ExitRecord, 'at'>): void {
    if (run.over || run !== this.run) return;
    run.over = true;
    this.watches.quiet(run);
    this.health = undefined;
    this.dispatch({ type: 'ended', exit });
    // Logged after the transition: the machine decides whether the run ended as asked or as a failure.
    this.log.info({ event: 'ended', ...this.machine.lastExit }, 'run ended');
  }

  protected dispatch(event: MachineEvent): void {
    const { config } = this;
    const now = this.clock.now();
    const { next, effects } = transition(this.machine, event, config.restart, now, this.random);
    const from = this.machine;
    this.machine = next;
    const newWait = waitKey(next.wait) !== waitKey(from.wait);
    // A probe with the same answer as the last one changes nothing worth saving, announcing or logging.
    if (event.type === 'wait' && !newWait) return;
    if (next.state !== from.state) {
      const detail = describeMachine(next, now);
      this.log.info(
        { event: 'state', from: from.state, to: next.state, detail, ...(next.wait && { wait: next.wait }) },
        'state',
      );
      if (from.state === 'running') this.health = undefined;
    } else if (newWait && next.wait) {
      // Each change of what it waits for is logged, not every probe.
      this.log.info({ event: 'wait', detail: describeMachine(next, now), wait: next.wait }, 'waiting');
    }
    for (const effect of effects) {
      if (effect.kind === 'launch') this.enqueue(() => this.launch());
      else if (effect.kind === 'terminate') this.enqueue(() => this.terminate());
      else if (effect.kind === 'watch-start' && this.run) this.relaunchStart(this.run);
      else if (effect.kind === 'cancel-restart') this.cancelRestart();
      else if (effect.kind === 'schedule-restart' && !this.halted) {
        this.cancelRestart();
        this.cancelRestart = this.clock.after(effect.delayMs, () =>
          this.dispatch({ type: 'backoff-elapsed' }),
        );
      }
    }
    this.emit('change');
  }

  protected enqueue(operation: () => Promise<void>): void {
    this.operations = this.operations.then(operation).catch((error: unknown) => this.internalError(error));
  }
}
