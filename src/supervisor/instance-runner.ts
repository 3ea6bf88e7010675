import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Logger } from 'pino';
import { type Capture, endOf, startCapture, waitForWriterExit } from '../capture/capture.js';
import { type CaptureStatus, readCaptureStatus, statusFileOf } from '../capture/capture-status.js';
import { followLog, type LogPosition, readLogTail } from '../capture/log-tail.js';
import type { InstanceConfig } from '../manifest/instance-config.js';
import { describeHolder } from '../ports/describe-plan.js';
import { findPortHolders } from '../ports/port-holders.js';
import { probePorts } from '../ports/probe-ports.js';
import { describeMissingPort, portsNotHeld } from '../process/port-ownership.js';
import { isRunning, isSameProcess, readProcStat } from '../process/proc-stat.js';
import {
  acceptsConnections,
  healthAgents,
  httpStatus,
  sharedSecureContext,
} from '../process/readiness-probe.js';
import { newRunId, runTagEnvironment } from '../process/run-tag.js';
import { killGroup, terminateGroup } from '../process/terminate.js';
import { portSet, productOf } from '../products/catalog.js';
import { bindFailure, type Product } from '../products/product.js';
import { isGracefulShutdown, lastOutputLine } from './exit-classifier.js';
import {
  type Effect,
  type ExitRecord,
  initialMachine,
  type MachineEvent,
  type MachineState,
  transition,
} from './machine.js';
import { type ReadinessPlan, readinessPlan } from './readiness-plan.js';

/** One launch of the start script, from spawn to the end of its last process. */
interface Run {
  /** This launch's own id, in its processes' environment (run-tag.ts) and in state.json. */
  readonly runId: string | undefined;
  readonly pid: number;
  /** The script leads its own process group: every process of the instance is in it. */
  readonly pgid: number;
  readonly startTime: number | undefined;
  readonly startedAt: number;
  readonly writerPid: number;
  /** Where this run's output starts in the captured log (survives a rotation before the follow opens it). */
  logStart: LogPosition | undefined;
  jvmPid?: number | undefined;
  jvmStartTime?: number | undefined;
  exit?: { code: number | null; signal: string | null };
  /** Set once the run's end has been handled, so late callbacks do nothing. */
  over: boolean;
  stopWatching: () => void;
  /** Launched by an earlier supervisor: not our child, so its end is noticed by polling, not waitpid. */
  readonly adopted?: boolean;
}

/** How often an adopted instance (not our child) is checked for its end. */
const adoptedPollMs = 250;

/**
 * What an adopted run caught starting gets at least to show it is ready, however long ago it was launched:
 * one that became ready while no supervisor watched must not be failed before it is even asked.
 */
const adoptedGraceMs = 15_000;

/**
 * How often the log writer's report is looked at while a run lives (the health checks' period); a status
 * request looks afresh.
 */
const captureCheckMs = 10_000;

export interface HealthReport {
  readonly ok: boolean;
  readonly since: number;
  readonly error?: string;
}

/** What the supervisor knows of an instance: persisted in state.json and shown by status. */
export interface InstanceSnapshot {
  readonly name: string;
  readonly product: string;
  readonly offset: number;
  readonly machine: MachineState;
  readonly runId?: string;
  readonly pid?: number;
  readonly pgid?: number;
  readonly startTime?: number;
  readonly jvmPid?: number;
  /** With the pid, identifies the JVM across pid reuse (a re-adopting supervisor checks both). */
  readonly jvmStartTime?: number;
  readonly writerPid?: number;
  readonly startedAt?: number;
  readonly health?: HealthReport;
  /** The log writer's report while capture fails, or once it has lost output: absent while all is well. */
  readonly capture?: CaptureStatus;
}

export interface RunnerOptions {
  readonly config: InstanceConfig;
  readonly offset: number;
  /** The state folder: its logs/ holds the captured output, and every launch is tagged with it. */
  readonly stateDir: string;
  readonly log: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Between readiness and health probes. */
  readonly probeIntervalMs?: number;
  readonly healthIntervalMs?: number;
  /** How long a health check may take before it counts as failed. */
  readonly healthTimeoutMs?: number;
}

/**
 * Carries out one instance's state machine: launches the start script, watches for readiness, classifies
 * how each run ended, stops the whole process tree. Emits `change` after every transition.
 */
export class InstanceRunner extends EventEmitter {
  readonly name: string;
  private machine: MachineState = initialMachine;
  private run: Run | undefined;
  private health: HealthReport | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The instance's log writer, kept across runs: a restart does not pay for (nor compete with) a new one. */
  private capture: Capture | undefined;
  /** Set from just before a spawn until its run is recorded: its processes may exist already. */
  private launchingRunId: string | undefined;
  /** The log writer's last report, read every few seconds while a run lives and before each status. */
  private captureReport: CaptureStatus | undefined;
  private captureWatch: NodeJS.Timeout | undefined;
  /** The report file's mtime and size when last read. */
  private captureSignature = '';
  /** Set by kill(): nothing is launched or restarted any more. */
  private halted = false;
  /** Launches and stops are carried out one after the other, never interleaved. */
  private operations: Promise<void> = Promise.resolve();
  private readonly product: Product;
  private readonly ports: readonly number[];
  private readonly readiness: ReadinessPlan;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(private readonly options: RunnerOptions) {
    super();
    this.name = options.config.name;
    this.product = productOf(options.config.product);
    this.ports = portSet(this.product, options.offset).map((p) => p.port);
    this.readiness = readinessPlan(options.config, options.offset);
    // Made now, not on the first readiness probe, which is on the critical path of a start.
    if (this.readiness.url?.startsWith('https:')) sharedSecureContext();
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = options.log.child({ instance: this.name });
  }

  get state() {
    return this.machine.state;
  }

  /** The ids of this instance's runs whose processes may live: the current one, and one being launched. */
  runIds(): string[] {
    return [this.run?.over ? undefined : this.run?.runId, this.launchingRunId].filter(
      (id): id is string => id !== undefined,
    );
  }

  snapshot(): InstanceSnapshot {
    const run = this.run && !this.run.over ? this.run : undefined;
    return {
      name: this.name,
      product: this.options.config.product,
      offset: this.options.offset,
      machine: this.machine,
      ...(run && { pid: run.pid, pgid: run.pgid, writerPid: run.writerPid }),
      ...(run?.runId !== undefined && { runId: run.runId }),
      ...(run?.startTime !== undefined && { startTime: run.startTime }),
      ...(run && { startedAt: run.startedAt }),
      ...(run?.jvmPid !== undefined && { jvmPid: run.jvmPid }),
      ...(run?.jvmStartTime !== undefined && { jvmStartTime: run.jvmStartTime }),
      ...(this.health && { health: this.health }),
      ...(this.captureReport &&
        (this.captureReport.state === 'failing' || this.captureReport.droppedBytes > 0) && {
          capture: this.captureReport,
        }),
    };
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  /**
   * Takes over a run an earlier supervisor launched and recorded, after the caller verified (pid and start
   * time) that it still lives. No process is started: the instance keeps running, its state, restarts and
   * last exit carry over, and its end is noticed by polling since it is not our child.
   */
  adopt(saved: InstanceSnapshot): void {
    if (saved.pid === undefined || saved.pgid === undefined || saved.writerPid === undefined) return;
    const run: Run = {
      runId: saved.runId,
      pid: saved.pid,
      pgid: saved.pgid,
      startTime: saved.startTime,
      startedAt: saved.startedAt ?? this.now(),
      writerPid: saved.writerPid,
      logStart: undefined,
      jvmPid: saved.jvmPid,
      jvmStartTime: saved.jvmStartTime,
      over: false,
      stopWatching: () => {},
      adopted: true,
    };
    this.run = run;
    // A run caught starting stays starting until its readiness check passes (its dependents wait for that);
    // one caught stopping is watched as running: its health check tells the rest.
    const starting = saved.machine.state === 'starting';
    const state = saved.machine.state === 'stopping' ? 'running' : saved.machine.state;
    const { detail: _detail, readySince, ...machine } = saved.machine;
    this.machine = { ...machine, state, ...(!starting && { readySince: readySince ?? this.now() }) };
    this.log.info(
      { event: 'adopted', pid: run.pid, jvmPid: run.jvmPid, offset: this.options.offset, state },
      'adopted',
    );
    if (!starting) this.monitorHealth(run);
    this.watchCapture();
    let stopStartWatch = () => {};
    let watching = true;
    const poll = setInterval(() => {
      void this.stillAlive(run).then((alive) => {
        if (alive || run.over) return;
        clearInterval(poll);
        stopStartWatch();
        this.onScriptExit(run).catch((error: unknown) => this.internalError(error, run));
      });
    }, adoptedPollMs);
    run.stopWatching = () => {
      watching = false;
      clearInterval(poll);
      stopStartWatch();
    };
    if (starting) {
      this.resumeStartWatch(run)
        .then((stop) => {
          // Stopped while the watch was being set up (the run ended, or a stop came): it ends at once.
          if (watching && !run.over) stopStartWatch = stop;
          else stop();
        })
        .catch((error: unknown) => this.internalError(error, run));
    }
    this.emit('change');
  }

  /**
   * For a run adopted while starting: the output it wrote before this supervisor came (after its launch
   * marker) is judged first, then the log is followed from here, with what is left of startTimeoutSeconds.
   */
  private async resumeStartWatch(run: Run): Promise<() => void> {
    const logFile = this.logFile();
    run.logStart = await endOf(logFile);
    const tail = await readLogTail(logFile, 256 * 1024);
    if (run.over || this.run !== run) return () => {};
    // Without this run's launch marker in reach, its lines cannot be told for sure from an older run's
    // (the marker is lost when capture failed at the launch): only a ready line is taken from them, no
    // failure, and readiness is probed from the start.
    const found = tail.some(isLaunchMarker);
    const earlier = found ? thisRunsLines(tail) : tail.filter((line) => this.readiness.line?.test(line));
    return this.watchStart(run, logFile, { earlier, probeNow: !found });
  }

  /** The run's start script is still the very process that was recorded (zombies and recycled pids are not). */
  private async stillAlive(run: Run): Promise<boolean> {
    return run.startTime !== undefined && isSameProcess(run.pid, run.startTime);
  }

  /**
   * An instance recorded as live whose processes were all gone when this supervisor started: it ended
   * while no supervisor watched. Judged as a crash, so its policy decides what happens next.
   */
  endedUnwatched(saved: InstanceSnapshot): void {
    const { detail: _detail, ...machine } = saved.machine;
    this.machine = { ...machine, state: 'running' };
    this.dispatch({
      type: 'ended',
      exit: { kind: 'crash', reason: 'ended while no supervisor was watching' },
    });
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

  /** SIGKILL everything at once (a second Ctrl-C): no grace, no restart. */
  async kill(): Promise<void> {
    this.halted = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.captureWatch);
    const run = this.run;
    if (run && !run.over) await killGroup(run.pgid);
  }

  private dispatch(event: MachineEvent): void {
    const { next, effects } = transition(
      this.machine,
      event,
      this.options.config.restart,
      this.now(),
      this.random,
    );
    const from = this.machine.state;
    this.machine = next;
    if (next.state !== from) {
      this.log.info(
        { event: 'state', from, to: next.state, ...(next.detail && { reason: next.detail }) },
        'state',
      );
    }
    for (const effect of effects) this.carryOut(effect);
    this.emit('change');
  }

  private carryOut(effect: Effect): void {
    switch (effect.kind) {
      case 'launch':
        this.enqueue(() => this.launch());
        return;
      case 'terminate':
        this.enqueue(() => this.terminate());
        return;
      case 'schedule-restart':
        clearTimeout(this.restartTimer);
        if (this.halted) return;
        // A zero backoff restarts on the next turn of the loop, not after a timer's minimum of 1 ms.
        if (effect.delayMs === 0) setImmediate(() => this.dispatch({ type: 'backoff-elapsed' }));
        else this.restartTimer = setTimeout(() => this.dispatch({ type: 'backoff-elapsed' }), effect.delayMs);
        return;
      case 'cancel-restart':
        clearTimeout(this.restartTimer);
        return;
    }
  }

  private enqueue(operation: () => Promise<void>): void {
    this.operations = this.operations.then(operation).catch((error: unknown) => this.internalError(error));
  }

  private async launch(): Promise<void> {
    if (this.state !== 'starting' || this.halted) return;
    // Re-probe right before every start: a busy port waits in backoff instead of a JVM that cannot bind.
    const busy = [...(await probePorts(this.ports))].filter(([, status]) => !status.free);
    if (busy.length > 0) {
      const [port, status] = busy[0] as (typeof busy)[number];
      const holder = status.free ? undefined : status.holder;
      const reason = `port ${port} is ${describeHolder(holder)}${busy.length > 1 ? ` (and ${busy.length - 1} more)` : ''}`;
      this.dispatch({ type: 'ended', exit: { kind: 'start-failed', reason } });
      return;
    }
    if (this.state !== 'starting' || this.halted) return;
    const { config } = this.options;
    const logFile = this.logFile();
    const capture = await this.ensureCapture();
    const logStart = await endOf(logFile);
    // A stop or kill may have come while this launch awaited: then nothing is spawned.
    if (this.state !== 'starting' || this.halted) return;
    capture.mark(`${markerPrefix} ${new Date().toISOString()} ${this.name}${launchMarker}${config.script}`);
    const runId = newRunId();
    this.launchingRunId = runId;
    const child = execa(config.script, [`-DportOffset=${this.options.offset}`, ...config.args], {
      cwd: config.home,
      // Every instance gets its own CARBON_HOME: an inherited one would point them all at one home.
      env: {
        ...config.env,
        CARBON_HOME: config.home,
        ...runTagEnvironment({ stateDir: this.options.stateDir, instance: this.name, runId }),
      },
      detached: true,
      stdin: 'ignore',
      stdout: capture.output,
      stderr: capture.output,
      cleanup: false,
      reject: false,
      buffer: false,
    });
    const pid = child.pid;
    if (pid === undefined) {
      const reason = `could not start ${config.script}: ${(await child).message ?? 'spawn failed'}`;
      this.dispatch({ type: 'ended', exit: { kind: 'start-failed', reason } });
      return;
    }
    const stat = await readProcStat(pid);
    const run: Run = {
      runId,
      pid,
      pgid: pid,
      startTime: stat?.startTime,
      startedAt: this.now(),
      writerPid: capture.writerPid,
      logStart,
      over: false,
      stopWatching: () => {},
    };
    this.run = run;
    this.launchingRunId = undefined;
    this.log.info({ event: 'launched', pid, offset: this.options.offset, script: config.script }, 'launched');
    this.watchCapture();
    this.emit('change');
    run.stopWatching = this.watchStart(run, logFile);
    void child.then((result) => {
      run.exit = { code: result.exitCode ?? null, signal: result.signal ?? null };
      this.onScriptExit(run).catch((error: unknown) => this.internalError(error, run));
    });
  }

  /**
   * Watches output and probes until ready, or until the start fails; returns a function that stops it.
   * `adopted`: a run launched by an earlier supervisor: its output from before this one is judged first,
   * probing begins at once when its ready line may have gone by unseen, and the start timeout counts from
   * its launch, with a grace for this supervisor's first look.
   */
  private watchStart(
    run: Run,
    logFile: string,
    adopted?: { readonly earlier: readonly string[]; readonly probeNow: boolean },
  ): () => void {
    let probeTimer: NodeJS.Timeout | undefined;
    let probing = false;
    let done = false;
    const finish = () => {
      done = true;
      tail.stop();
      clearTimeout(probeTimer);
      clearTimeout(deadline);
    };
    const guard = (work: Promise<void>) => {
      work.catch((error: unknown) => this.internalError(error, run));
    };
    const fail = (reason: string) => {
      if (done) return;
      finish();
      if (!run.over) this.dispatch({ type: 'fail', kind: 'start-failed', reason });
    };
    const ready = async () => {
      // Both at once: every step here waits its turn for a CPU that twenty starting JVMs keep busy.
      const [missing] = await Promise.all([portsNotHeld(this.ports, run.pgid), this.identifyJvm(run)]);
      // Another process on a planned port is a clash: the JVM carried on without it. A port nobody listens
      // on may be one this set-up does not open (a profile, JMX off): reported, not fatal.
      const taken = missing.filter((m) => m.holder !== undefined || m.heldByUnknown);
      if (taken.length > 0)
        return fail(`after the ready signal, ${taken.map(describeMissingPort).join('; ')}`);
      if (done || run.over) return;
      const unbound = missing.filter((m) => !taken.includes(m)).map((m) => m.port);
      if (unbound.length > 0)
        this.log.warn({ event: 'ports-not-listening', ports: unbound }, 'planned ports not listening');
      finish();
      // The run may have ended while this awaited, and a new one begun: its readiness is its own.
      if (run.over || this.run !== run) return;
      this.monitorHealth(run); // first, so that the snapshot the transition saves shows the health
      this.dispatch({ type: 'ready' });
    };
    const probe = async () => {
      if (done || run.over) return;
      if (await this.readinessAnswers()) return ready();
      if (!done) probeTimer = setTimeout(() => guard(probe()), this.options.probeIntervalMs ?? 100);
    };
    const startProbing = () => {
      if (probing) return;
      probing = true;
      guard(probe());
    };
    const onLine = (line: string) => {
      if (line.startsWith(markerPrefix)) return;
      if (bindFailure.test(line)) {
        portsNotHeld(this.ports, run.pgid)
          .then((missing) => {
            const taken = missing.filter((m) => m.holder !== undefined || m.heldByUnknown);
            const what = taken.length
              ? taken.map(describeMissingPort).join('; ')
              : 'a planned port was taken';
            fail(`java.net.BindException: ${what}`);
          })
          .catch((error: unknown) => this.internalError(error, run));
        return;
      }
      const failure = this.product.startFailures.find((re) => re !== bindFailure && re.test(line));
      if (failure) return fail(`start failed: ${line.trim()}`);
      if (this.readiness.line?.test(line)) {
        if (this.readiness.url === undefined && this.readiness.ports === undefined) guard(ready());
        else startProbing();
      }
    };
    const tail = followLog(logFile, {
      fromOffset: run.logStart?.offset ?? 0,
      ...(run.logStart && { inode: run.logStart.inode }),
      onLine,
    });
    for (const line of adopted?.earlier ?? []) onLine(line);
    const probes = this.readiness.url !== undefined || this.readiness.ports !== undefined;
    if (this.readiness.line === undefined || (adopted?.probeNow && probes)) startProbing();
    const timeoutSeconds = this.options.config.startTimeoutSeconds;
    const timeoutMs = adopted
      ? Math.max(adoptedGraceMs, timeoutSeconds * 1000 - (this.now() - run.startedAt))
      : timeoutSeconds * 1000;
    const deadline = setTimeout(
      () => fail(`not ready within startTimeoutSeconds (${timeoutSeconds}s)`),
      timeoutMs,
    );
    return finish;
  }

  private async readinessAnswers(): Promise<boolean> {
    const { url, ports } = this.readiness;
    if (url !== undefined) return (await httpStatus(url, 2000)).status === 200;
    if (ports !== undefined)
      return (await Promise.all(ports.map((p) => acceptsConnections(p, 1000)))).every(Boolean);
    return true;
  }

  /** While running: a failing health check is reported, and after unhealthyAfterSeconds treated as a crash. */
  private monitorHealth(run: Run): void {
    const liveness = this.readiness.liveness;
    if (liveness === undefined) return;
    this.health = { ok: true, since: this.now() };
    const timeoutMs = this.options.healthTimeoutMs ?? 5000;
    const agents = healthAgents();
    const check = async () => {
      if (run.over || this.state !== 'running') return agents.destroy();
      const error =
        'url' in liveness
          ? await httpStatus(liveness.url, timeoutMs, agents).then((r) =>
              r.status === 200 ? undefined : (r.error ?? `HTTP ${r.status}`),
            )
          : (await Promise.all(liveness.ports.map((p) => acceptsConnections(p, timeoutMs)))).every(Boolean)
            ? undefined
            : 'a planned port refuses connections';
      if (run.over || this.state !== 'running') return agents.destroy();
      const wasOk = this.health?.ok ?? true;
      const flipped = wasOk !== (error === undefined);
      if (error === undefined) {
        if (!wasOk) this.log.info({ event: 'healthy' }, 'health check passes again');
        this.health = { ok: true, since: wasOk ? (this.health?.since ?? this.now()) : this.now() };
      } else {
        if (wasOk) this.log.warn({ event: 'unhealthy', error }, 'health check failing');
        this.health = { ok: false, since: wasOk ? this.now() : (this.health?.since ?? this.now()), error };
        const limit = this.options.config.unhealthyAfterSeconds;
        if (limit !== undefined && this.now() - this.health.since >= limit * 1000) {
          this.dispatch({
            type: 'fail',
            kind: 'crash',
            reason: `health check failing for ${limit}s: ${error}`,
          });
          return;
        }
      }
      if (flipped) this.emit('change');
      schedule();
    };
    const schedule = () => {
      setTimeout(() => check().catch((error: unknown) => this.internalError(error, run)), interval).unref();
    };
    // Kubernetes' default probe period; WSO2's Helm charts use it too.
    const interval = this.options.healthIntervalMs ?? 10_000;
    schedule();
  }

  /**
   * Who the run's JVM is now: the 121 loop may have started a new one since the last look, so this is
   * read again before a stop signals it.
   */
  private async identifyJvm(run: Run): Promise<void> {
    run.jvmPid = await this.readJvmPid(run.pgid);
    run.jvmStartTime = run.jvmPid === undefined ? undefined : (await readProcStat(run.jvmPid))?.startTime;
  }

  /** The JVM's pid from the pid file WSO2 writes, trusted only when that process is in our group. */
  private async readJvmPid(pgid: number): Promise<number | undefined> {
    const text = await readFile(path.join(this.options.config.home, this.product.pidFile), 'utf8').catch(
      () => '',
    );
    const pid = Number.parseInt(text.replace(/\0/g, '').trim(), 10);
    if (!Number.isInteger(pid)) return undefined;
    return (await readProcStat(pid))?.pgid === pgid ? pid : undefined;
  }

  /** The script ended. If the supervisor did not ask, find out whether the JVM shut down or crashed. */
  private async onScriptExit(run: Run): Promise<void> {
    if (this.state === 'stopping' || run.over) return; // terminate() ends this run
    run.stopWatching();
    const wasReady = this.state === 'running';
    await this.identifyJvm(run);
    const jvmAlive = run.jvmPid !== undefined;
    // Leftovers (a grandchild, the diagnostics child, an orphaned JVM) are ours: end them before a restart.
    await terminateGroup({ pgid: run.pgid, jvmPid: run.jvmPid, timeoutMs: 5000 });
    const status = run.adopted
      ? 'an unknown status (adopted: not our child)'
      : run.exit?.signal
        ? `signal ${run.exit.signal}`
        : `status ${run.exit?.code ?? '?'}`;
    // Everything the run wrote must be in the log before it is judged: our own pipe gets a marker; an
    // adopted run's writer (the earlier supervisor's) ends once the instance's last process is gone.
    if (run.adopted) await waitForWriterExit(run.writerPid, 2000);
    else if (this.capture)
      await this.flushed(this.capture, `start script (pid ${run.pid}) ended with ${status}`);
    const lines = thisRunsLines(await readLogTail(this.logFile(), 64 * 1024));
    let exit: Omit<ExitRecord, 'at'>;
    if (jvmAlive) {
      exit = {
        kind: 'crash',
        reason: `the start script ended (${status}) while its JVM (pid ${run.jvmPid}) still ran`,
      };
    } else if (isGracefulShutdown(this.product, lines)) {
      exit = { kind: 'clean', reason: 'shut down gracefully (from its console or API)' };
    } else {
      // "Never became ready" is told apart from "crashed after it was ready" (lessons, section 5).
      const failure = lines.find((line) => this.product.startFailures.some((re) => re.test(line)));
      const last = failure?.trim() ?? lastOutputLine(lines);
      const phase = wasReady ? 'crashed' : 'ended before it was ready';
      const kind = wasReady ? 'crash' : 'start-failed';
      exit = { kind, reason: `${phase}: script ${status}${last ? `, last output: ${last}` : ''}` };
    }
    this.endRun(run, { ...exit, code: run.exit?.code ?? null, signal: run.exit?.signal ?? null });
  }

  /** Stops the current run's whole process tree and waits for its ports to be released. */
  private async terminate(): Promise<void> {
    const run = this.run;
    if (run === undefined || run.over) {
      this.dispatch({ type: 'ended', exit: { kind: 'crash', reason: 'stopped before it was launched' } });
      return;
    }
    run.stopWatching();
    await this.identifyJvm(run);
    const timeoutMs = this.options.config.stopTimeoutSeconds * 1000;
    const { graceful } = await terminateGroup({ pgid: run.pgid, jvmPid: run.jvmPid, timeoutMs });
    if (!graceful)
      this.log.warn({ event: 'killed', timeoutSeconds: timeoutMs / 1000 }, 'SIGKILL after stop timeout');
    await this.portsReleased(run, 5000);
    const reason = graceful ? 'stopped' : `killed after stopTimeoutSeconds (${timeoutMs / 1000}s)`;
    this.endRun(run, {
      kind: 'crash',
      reason,
      code: run.exit?.code ?? null,
      signal: run.exit?.signal ?? null,
    });
  }

  private endRun(run: Run, exit: Omit<ExitRecord, 'at'>): void {
    if (run.over || run !== this.run) return;
    run.over = true;
    this.health = undefined;
    this.dispatch({ type: 'ended', exit });
    // Logged after the transition: the machine decides whether the run ended as asked or as a failure.
    this.log.info({ event: 'ended', ...this.machine.lastExit }, 'run ended');
  }

  /**
   * A bug or an I/O failure inside the supervisor must neither crash it nor leave the instance stuck in
   * `starting` or `stopping`: the live run is stopped whole and ends as a crash (the policy decides).
   */
  private internalError(error: unknown, run: Run | undefined = this.run): void {
    this.log.error(
      { event: 'internal-error', error: String((error as Error)?.stack ?? error) },
      'internal error',
    );
    if (run === undefined || run.over) {
      if (this.state === 'starting' || this.state === 'stopping') {
        this.dispatch({
          type: 'ended',
          exit: { kind: 'crash', reason: `supervisor error: ${String(error)}` },
        });
      }
      return;
    }
    run.stopWatching();
    void terminateGroup({ pgid: run.pgid, jvmPid: run.jvmPid, timeoutMs: 5000 }).then(() =>
      this.endRun(run, { kind: 'crash', reason: `supervisor error: ${String(error)}` }),
    );
  }

  private logFile(): string {
    return path.join(this.options.stateDir, 'logs', `${this.name}.log`);
  }

  private async ensureCapture(): Promise<Capture> {
    if (this.capture?.isRunning()) return this.capture;
    const { logs } = this.options.config;
    const capture = await startCapture({
      logFile: this.logFile(),
      maxBytes: logs.maxBytes,
      files: logs.files,
    });
    this.capture = capture;
    return capture;
  }

  /**
   * Reads the log writer's report (its status file) and says in the supervisor log when capture begins to
   * fail and when it resumes. The writer, not the supervisor, is in the data path, so this is the only way
   * the supervisor learns of a full disk or a log folder gone read-only.
   */
  async checkCapture(): Promise<void> {
    // The report is read again only once its file changed: most checks cost one stat.
    const changed = statSignature(statusFileOf(this.logFile()));
    let report = this.captureReport;
    if (changed !== this.captureSignature) {
      const read = await readCaptureStatus(this.logFile());
      // A report caught half-rewritten (the writer rewrites in place exactly while failing) changes
      // nothing, and is read again next time.
      if (read !== undefined || changed === '') {
        this.captureSignature = changed;
        report = read;
      }
    }
    // A writer killed mid-failure leaves a stale report behind: the next writer starts afresh.
    if (report?.state === 'failing' && !isRunning(report.pid)) report = undefined;
    const was = this.captureReport;
    this.captureReport = report;
    const failing = report?.state === 'failing';
    if (report !== undefined && failing && (was?.state !== 'failing' || was.error !== report.error)) {
      this.log.warn(
        { event: 'capture-failing', error: report.error, droppedBytes: report.droppedBytes },
        `output capture failing: ${report.error}; the instance runs on, its output is drained and counted as lost until the log can be written`,
      );
      this.emit('change');
    } else if (!failing && was?.state === 'failing') {
      this.log.info(
        { event: 'capture-resumed', droppedBytes: report?.droppedBytes ?? was.droppedBytes },
        'output capture resumed',
      );
      this.emit('change');
    }
  }

  /** Checks the writer's report every few seconds while a run lives (a stat, and a read when it changed). */
  private watchCapture(): void {
    if (this.captureWatch !== undefined) return;
    this.captureWatch = setInterval(() => {
      if (this.run === undefined || this.run.over) return;
      this.checkCapture().catch((error: unknown) => this.internalError(error));
    }, captureCheckMs);
    this.captureWatch.unref();
  }

  /**
   * Writes a marker into the instance's pipe and waits (bounded) until it is in the log: everything the
   * instance wrote before is then there too, and the exit can be judged from the output.
   */
  private async flushed(capture: Capture, note: string): Promise<void> {
    const marker = `${markerPrefix} ${new Date().toISOString()} ${this.name}: ${note}`;
    capture.mark(marker);
    const deadline = Date.now() + 2000;
    for (let pause = 1; capture.isRunning() && Date.now() < deadline; pause = Math.min(pause * 2, 50)) {
      if ((await readLogTail(this.logFile(), 16 * 1024)).includes(marker)) return;
      await delay(pause);
    }
  }

  /**
   * Lets the log writer end once the instance's processes are gone (the supervisor is shutting down), and
   * waits (bounded) for it to have written everything.
   */
  async close(): Promise<void> {
    clearInterval(this.captureWatch);
    const capture = this.capture;
    this.capture = undefined;
    capture?.release();
    if (capture) await Promise.race([capture.finished, delay(2000)]);
  }

  /**
   * Waits (bounded) until no planned port is held by a process that could be the run's: one that started
   * after the run did (an orphan that kept a socket). Holders older than the run are foreign: not waited for.
   */
  private async portsReleased(run: Run, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const held = await findPortHolders(this.ports);
      const ours = await Promise.all(
        [...held].map(async ([port, holder]) => {
          const stat = await readProcStat(holder.pid);
          // Without the run's start time, any holder may be ours: wait for it (bounded).
          return stat !== undefined && stat.startTime >= (run.startTime ?? 0) ? [port] : [];
        }),
      );
      const waiting = ours.flat();
      if (waiting.length === 0) return;
      if (Date.now() >= deadline) {
        this.log.warn({ event: 'ports-still-held', ports: waiting }, 'ports still held after the stop');
        return;
      }
      await delay(100);
    }
  }
}

/** Starts the lines the supervisor itself writes into an instance's captured output. */
const markerPrefix = '[wso2-supervisor]';
const launchMarker = ': launching ';

/**
 * The output of the last run only: the lines after its launch marker (earlier runs' shutdown lines must not
 * make this run's crash look clean), without the supervisor's own lines. A tail with no launch marker is
 * all this run's: its marker came before its output.
 */
const isLaunchMarker = (line: string) => line.startsWith(markerPrefix) && line.includes(launchMarker);

function thisRunsLines(tail: readonly string[]): string[] {
  let start = 0;
  tail.forEach((line, k) => {
    if (isLaunchMarker(line)) start = k + 1;
  });
  return tail.slice(start).filter((line) => !line.startsWith(markerPrefix));
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
