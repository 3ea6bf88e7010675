import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { InstanceConfig, Manifest } from '../manifest/instance-config.js';
import type { Plan } from '../ports/planner.js';
import { isSameProcess } from '../process/proc-stat.js';
import { strayGroups } from '../process/run-tag.js';
import { terminateGroup } from '../process/terminate.js';
import { type StateDocument, StateFile } from '../state/state-file.js';
import { InstanceRunner, type InstanceSnapshot, type RunnerOptions } from './instance-runner.js';

/**
 * All instances of a manifest: starts them in dependency order (each after its dependencies are ready,
 * the rest at once, so start-ups overlap), stops them dependents first, and keeps state.json current.
 */
export type RunnerDefaults = Partial<
  Pick<RunnerOptions, 'probeIntervalMs' | 'healthIntervalMs' | 'healthTimeoutMs'>
>;

export interface ReloadSummary {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly unchanged: string[];
}

export class Fleet extends EventEmitter {
  private readonly instances = new Map<
    string,
    { runner: InstanceRunner; config: InstanceConfig; offset: number }
  >();
  private dependsOn: ReadonlyMap<string, readonly string[]> = new Map();
  /** Instances asked to start that wait for their dependencies to be running. */
  private readonly waiting = new Set<string>();
  private readonly stateFile: StateFile;
  private readonly stateDir: string;
  private readonly startedAt = new Date().toISOString();

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
   * ones stop and go, changed ones (settings or offset) restart, and unchanged ones are not touched.
   */
  async reload(manifest: Manifest, plan: Plan): Promise<ReloadSummary> {
    const offsets = new Map(plan.instances.map((i) => [i.name, i.offset]));
    const next = new Map(manifest.instances.map((i) => [i.name, i]));
    const removed = this.names.filter((name) => !next.has(name));
    const added = [...next.keys()].filter((name) => !this.instances.has(name));
    const changed = this.names.filter((name) => {
      const entry = this.instances.get(name);
      const config = next.get(name);
      return (
        entry &&
        config &&
        (JSON.stringify(entry.config) !== JSON.stringify(config) || entry.offset !== offsets.get(name))
      );
    });
    const unchanged = this.names.filter((name) => next.has(name) && !changed.includes(name));
    const wasUp = new Set(changed.filter((name) => this.runner(name).state !== 'stopped'));
    await this.stop([...removed, ...changed]);
    for (const name of [...removed, ...changed]) {
      await this.instances.get(name)?.runner.close();
      this.instances.delete(name);
    }
    this.place(manifest, plan, [...added, ...changed]);
    this.log.info({ event: 'reload', added, removed, changed, unchanged }, 'manifest reloaded');
    this.start([...added, ...changed].filter((name) => next.get(name)?.autostart || wasUp.has(name)));
    this.changed();
    return { added, removed, changed, unchanged };
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

  /**
   * Takes over the runs an earlier supervisor recorded (it crashed, or was killed): a run still alive, by
   * pid and process start time (never a recycled pid), is adopted, not launched again; one recorded as live
   * but gone ended while nobody watched, and its restart policy applies. Returns what was adopted.
   */
  async adopt(saved: StateDocument | undefined): Promise<string[]> {
    const adopted: string[] = [];
    const unlaunched: string[] = [];
    const ended: [InstanceRunner, InstanceSnapshot][] = [];
    for (const [name, runner] of this.runners) {
      const record = saved?.instances[name];
      if (record === undefined || !['starting', 'running', 'stopping'].includes(record.machine.state))
        continue;
      // Starting with no run recorded: the supervisor died before its launch was written down (or made).
      if (record.machine.state === 'starting' && record.pid === undefined) {
        unlaunched.push(name);
        continue;
      }
      if (await isLive(record)) {
        if (record.offset === runner.snapshot().offset) {
          runner.adopt(record);
          adopted.push(name);
          continue;
        }
        // The manifest now wants another offset: the old run is ours (verified), so it is stopped whole.
        this.log.warn(
          { event: 'offset-changed', instance: name, from: record.offset },
          'stopping a run at an old offset',
        );
        await terminateGroup({ pgid: record.pgid as number, jvmPid: record.jvmPid, timeoutMs: 30_000 });
      }
      ended.push([runner, record]);
    }
    // Strays first: a restart decided below must find their ports free.
    // Read now, after every await above: a run adopted meanwhile may have ended and been launched again.
    const kept = [...this.runners.values()].flatMap((runner) => runner.runIds());
    await this.stopStrays(new Set(kept));
    for (const [runner, record] of ended) runner.endedUnwatched(record);
    // Their launch is carried out now, as was asked; it is no failure of theirs, so no restart is counted.
    this.start(unlaunched);
    return adopted;
  }

  /**
   * Stops every run tagged with this state folder (run-tag.ts) that is not adopted: runs launched by a
   * supervisor killed before it recorded them, or whose record was lost. Left alone, they would be orphans
   * holding the ports their instance is about to be launched on. Under the lock, no other supervisor of
   * this folder can own them.
   */
  private async stopStrays(adoptedRuns: ReadonlySet<string>): Promise<void> {
    const strays = await strayGroups(this.stateDir, adoptedRuns);
    await Promise.all(
      [...strays].map(async ([pgid, instance]) => {
        this.log.warn(
          { event: 'stray-run', instance, pgid },
          'stopping a run no supervisor recorded (one died between launching it and writing state.json)',
        );
        // Never recorded, so never ready under supervision: a short grace, and the daemon comes up soon.
        await terminateGroup({ pgid, timeoutMs: 5_000 });
      }),
    );
  }

  /** Starts the named instances (default: every autostart one), each once its dependencies are running. */
  start(names: readonly string[]): void {
    for (const name of names) this.waiting.add(name);
    this.startReady();
  }

  /** Stops the named instances (default: all), dependents before their dependencies. */
  async stop(names: readonly string[] = this.names): Promise<void> {
    for (const name of names) this.waiting.delete(name);
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

  /** Stops the instances (dependents first), then starts them again (dependencies first). */
  async restart(names: readonly string[]): Promise<void> {
    await this.stop(names);
    this.start(names);
  }

  /**
   * Resolves once every named instance has settled after a start: running, or given up on (failed,
   * exited, stopped), or still retrying (backoff) when the time is up.
   */
  settled(names: readonly string[], timeoutMs: number): Promise<void> {
    const done = () =>
      names.every((name) => {
        const state = this.runner(name).state;
        return (
          state === 'running' ||
          state === 'failed' ||
          state === 'exited' ||
          (state === 'stopped' && !this.waiting.has(name))
        );
      });
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.off('change', check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.on('change', check);
    });
  }

  get names(): string[] {
    return [...this.instances.keys()];
  }

  /** SIGKILL every instance at once. */
  async kill(): Promise<void> {
    this.waiting.clear();
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

  /** Resolves when the state file holds the latest snapshot. */
  flush(): Promise<void> {
    return this.stateFile.save(this.document());
  }

  private runner(name: string): InstanceRunner {
    const entry = this.instances.get(name);
    if (entry === undefined) throw new Error(`unknown instance ${name}`);
    return entry.runner;
  }

  private startReady(): void {
    for (const name of this.waiting) {
      const pending = (this.dependsOn.get(name) ?? []).filter((d) => this.runner(d).state !== 'running');
      if (pending.length > 0) continue;
      this.waiting.delete(name);
      this.runner(name).start();
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
      version: 1 as const,
      supervisor: { pid: process.pid, startedAt: this.startedAt },
      updatedAt: new Date().toISOString(),
      instances: this.snapshot(),
    };
  }
}

/** The recorded run still lives: its start script, or failing that its JVM, is the very process recorded. */
async function isLive(record: InstanceSnapshot): Promise<boolean> {
  if (record.pid === undefined || record.pgid === undefined || record.writerPid === undefined) return false;
  if (record.startTime !== undefined && (await isSameProcess(record.pid, record.startTime))) return true;
  return (
    record.jvmPid !== undefined &&
    record.jvmStartTime !== undefined &&
    isSameProcess(record.jvmPid, record.jvmStartTime)
  );
}
