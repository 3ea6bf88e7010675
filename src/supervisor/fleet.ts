import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { InstanceConfig, Manifest } from '../manifest/instance-config.js';
import type { Plan } from '../ports/planner.js';
import { type StateDocument, StateFile, stateVersion } from '../state/state-file.js';
import { withDependencies } from './dependency-order.js';
import { adoptRuns } from './fleet-adoption.js';
import { InstanceRunner } from './instance-runner.js';
import { diffReload, type ReloadDiff } from './reload-diff.js';
import type { RunnerOptions } from './runner-options.js';

/**
 * All instances of a manifest: starts them in dependency order (each after its dependencies are ready,
 * the rest at once, so start-ups overlap), stops them dependents first, and keeps state.json current.
 */
export type RunnerDefaults = Partial<
  Pick<RunnerOptions, 'probeIntervalMs' | 'healthIntervalMs' | 'healthTimeoutMs' | 'clock' | 'random'>
>;

export type ReloadSummary = ReloadDiff;

export class Fleet extends EventEmitter {
  private readonly instances = new Map<
    string,
    { runner: InstanceRunner; config: InstanceConfig; offset: number }
  >();
  private dependsOn: ReadonlyMap<string, readonly string[]> = new Map();
  private readonly stateFile: StateFile;
  private readonly stateDir: string;
  private readonly startedAt = new Date().toISOString();
  /** Set by `down`: no start any more. */
  private closing = false;
  private wroteFinal = false;

  constructor(
    manifest: Manifest,
    plan: Plan,
    private readonly log: Logger,
    private readonly runnerDefaults: RunnerDefaults = {},
  ) {
    super();
    this.stateDir = manifest.stateDir;
    this.stateFile = new StateFile(manifest.stateDir);
    this.place(
      manifest,
      plan,
      manifest.instances.map((i) => i.name),
    );
  }

  get runners(): ReadonlyMap<string, InstanceRunner> {
    return new Map([...this.instances].map(([name, entry]) => [name, entry.runner]));
  }

  /**
   * Applies a new manifest (already validated and planned): added instances start (if autostart), removed
   * ones stop and go, and changed ones get runners with the new settings. A change of what the JVM sees
   * (script, arguments, environment, home, offset: the launch digest) restarts it; any other change (restart
   * policy, timeouts, readiness) is applied to the live run, handed over to the new runner as an adoption.
   * Unchanged ones are not touched.
   */
  async reload(manifest: Manifest, plan: Plan): Promise<ReloadSummary> {
    const current = [...this.instances].map(([name, { config, offset, runner }]) => {
      return { name, config, offset, running: runner.snapshot().launch };
    });
    const { added, removed, changed, retuned, unchanged } = diffReload(current, manifest, plan);
    const next = new Map(manifest.instances.map((i) => [i.name, i]));
    const wasUp = new Set(changed.filter((name) => this.runner(name).state !== 'stopped'));
    await this.stop([...removed, ...changed]);
    const leaving = [...removed, ...changed].map((name) => this.unplace(name));
    // Retuned ones, with no await between letting go and taking over: a live run is handed to the new
    // runner (adopted), a settled one keeps its state, one between states (launching, stopping, in backoff)
    // is stopped and started again with the new settings.
    const handed = retuned.map((name) => {
      const runner = this.runner(name);
      const live = runner.handOver();
      const settled = live === undefined && ['stopped', 'failed', 'exited'].includes(runner.state);
      if (settled) runner.retire();
      return { name, runner, live, settled };
    });
    const restart = handed.filter((h) => h.live === undefined && !h.settled).map((h) => h.name);
    await this.stop(restart);
    leaving.push(...retuned.map((name) => this.unplace(name)));
    this.place(manifest, plan, [...added, ...changed, ...retuned]);
    for (const { name, runner, live, settled } of handed) {
      if (live) this.runner(name).adopt(live);
      else this.runner(name).inherit(runner.snapshot(), settled);
    }
    for (const name of changed)
      this.runner(name).inherit(leaving.find((r) => r.name === name)?.snapshot() as never);
    await Promise.all(leaving.map((runner) => runner.close()));
    this.log.info({ event: 'reload', added, removed, changed, retuned, unchanged }, 'manifest reloaded');
    const starting = [...added, ...changed].filter((name) => next.get(name)?.autostart || wasUp.has(name));
    this.start([...starting, ...restart]);
    this.changed();
    return { added, removed, changed, retuned, unchanged };
  }

  /**
   * Takes an instance's runner out of the fleet at once: no event meets a fleet naming a runner it no longer
   * has. Its log writer gets its bounded wait later (`close`), once the new runner is placed.
   */
  private unplace(name: string): InstanceRunner {
    const runner = this.runner(name);
    this.instances.delete(name);
    return runner;
  }

  /** Makes runners for the named instances of a manifest, at their planned offsets. */
  private place(manifest: Manifest, plan: Plan, names: readonly string[]): void {
    const offsets = new Map(plan.instances.map((i) => [i.name, i.offset]));
    for (const config of manifest.instances.filter((i) => names.includes(i.name))) {
      const offset = offsets.get(config.name);
      if (offset === undefined) throw new Error(`no offset planned for ${config.name}`);
      const runner = new InstanceRunner({
        config,
        offset,
        stateDir: manifest.stateDir,
        log: this.log,
        ...this.runnerDefaults,
      });
      runner.on('change', () => this.changed());
      this.instances.set(config.name, { runner, config, offset });
    }
    this.dependsOn = new Map(manifest.instances.map((i) => [i.name, i.dependsOn]));
  }

  /** Takes over the runs an earlier supervisor recorded (fleet-adoption.ts). Returns what was adopted. */
  async adopt(saved: StateDocument | undefined): Promise<string[]> {
    const { adopted, unlaunched } = await adoptRuns(this.runners, saved, this.stateDir, this.log);
    // Their launch is carried out now, as was asked; it is no failure of theirs, so no restart is counted.
    this.start(unlaunched);
    return adopted;
  }

  /**
   * Starts the named instances, each once its dependencies are running (`waiting` until then). Stopped,
   * exited or failed dependencies are started too, first, as `docker compose up X` does: returns those.
   */
  start(names: readonly string[]): string[] {
    // After `down`, nothing starts again: a request in flight must not relaunch what is being stopped.
    if (this.closing) return [];
    const wanted = new Set(names);
    const also: string[] = [];
    const visit = (name: string) => {
      for (const dependency of this.dependsOn.get(name) ?? []) {
        if (wanted.has(dependency)) continue;
        const state = this.runner(dependency).state;
        if (state !== 'stopped' && state !== 'exited' && state !== 'failed') continue;
        wanted.add(dependency);
        also.push(dependency);
        visit(dependency);
      }
    };
    for (const name of names) visit(name);
    if (also.length > 0)
      this.log.info(
        { event: 'dependencies-started', for: names, instances: also },
        'starting dependencies first',
      );
    // Dependencies first: a dependent put in `waiting` before its failed dependency is started again would
    // be failed at once for it.
    for (const name of this.withDependencies([...wanted]).filter((n) => wanted.has(n)))
      this.runner(name).start(this.blocker(name));
    this.startReady();
    return also;
  }

  /** Stops the named instances (default: all), dependents before their dependencies. */
  async stop(names: readonly string[] = this.names): Promise<void> {
    const stopping = new Map<string, Promise<void>>();
    const stopOne = (name: string): Promise<void> => {
      let promise = stopping.get(name);
      if (promise === undefined) {
        const dependents = [...this.dependsOn].filter(([, deps]) => deps.includes(name)).map(([n]) => n);
        promise = Promise.all(dependents.filter((d) => names.includes(d)).map(stopOne)).then(() =>
          this.runner(name).stop(),
        );
        stopping.set(name, promise);
      }
      return promise;
    };
    await Promise.all(names.map(stopOne));
  }

  /** The named instances and, transitively, everything they depend on: each after its dependencies. */
  withDependencies(names: readonly string[]): string[] {
    return withDependencies(this.dependsOn, names);
  }

  /** The sum of the named instances' startTimeoutSeconds, in ms: what a chain of their starts may take. */
  startTimeoutMs(names: readonly string[]): number {
    return names.reduce(
      (sum, name) => sum + (this.instances.get(name)?.config.startTimeoutSeconds ?? 0) * 1000,
      0,
    );
  }

  get names(): string[] {
    return [...this.instances.keys()];
  }

  /** From `down` on: nothing is started any more, whoever asks. */
  refuseStarts(): void {
    this.closing = true;
  }

  /** SIGKILL every instance at once. */
  async kill(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.runners.values()].map((r) => r.kill()));
    await this.close();
  }

  /** Releases every log writer: each ends once its instance's processes are gone. */
  async close(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.close()));
  }

  snapshot() {
    return Object.fromEntries([...this.runners].map(([name, runner]) => [name, runner.snapshot()]));
  }

  /**
   * Resolves once every change so far is in state.json (without writing it again): a status answered after
   * it shows nothing a supervisor killed right then would forget, so `restarts` never goes back.
   */
  persisted(): Promise<void> {
    return this.stateFile.settled();
  }

  /**
   * Resolves when the state file holds the latest snapshot; `final`, the last one this supervisor writes:
   * a change that comes after it (a writer's exit, on the way out) must not write over its `stoppedAt`.
   */
  flush(final = false): Promise<void> {
    if (this.wroteFinal) return this.stateFile.settled();
    if (!final) return this.stateFile.save(() => this.document());
    this.wroteFinal = true;
    // A supervisor that went down on purpose says so: the next one starts the counters afresh.
    const document = this.document();
    const stoppedAt = new Date().toISOString();
    return this.stateFile.save({ ...document, supervisor: { ...document.supervisor, stoppedAt } });
  }

  private runner(name: string): InstanceRunner {
    const entry = this.instances.get(name);
    if (entry === undefined) throw new Error(`unknown instance ${name}`);
    return entry.runner;
  }

  /** The first dependency of `name` that is not running, with its state; none when all are. */
  private blocker(name: string): { on: string; state: string } | undefined {
    for (const on of this.dependsOn.get(name) ?? []) {
      const state = this.instances.get(on)?.runner.state ?? 'stopped';
      if (state !== 'running') return { on, state };
    }
    return undefined;
  }

  /**
   * Moves every waiting instance on: launched once its dependencies all run, failed at once when one has
   * given up (failed, or exited under its policy), as systemd's `Requires=` does; else its wait is updated.
   */
  private startReady(): void {
    for (const [name, { runner }] of this.instances) {
      if (runner.state !== 'waiting') continue;
      const gaveUp = (this.dependsOn.get(name) ?? []).find((d) =>
        ['failed', 'exited'].includes(this.instances.get(d)?.runner.state ?? ''),
      );
      if (gaveUp !== undefined) runner.dependencyFailed(gaveUp);
      else runner.start(this.blocker(name));
    }
  }

  private changed(): void {
    this.startReady();
    void this.flush().catch((error: unknown) =>
      this.log.error({ event: 'state-write-failed', error: String(error) }, 'could not write state.json'),
    );
    this.emit('change');
  }

  private document() {
    return {
      version: stateVersion,
      supervisor: { pid: process.pid, startedAt: this.startedAt },
      updatedAt: new Date().toISOString(),
      instances: this.snapshot(),
    };
  }
}
