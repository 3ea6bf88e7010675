import { logFileOf, makeFifos, pipeOf } from '../capture/fifos.js';
import { PortConflictError, UsageError } from '../errors.js';
import { supervisorLogger } from '../log/supervisor-log.js';
import type { Manifest } from '../manifest/instance-config.js';
import { describeProblem, describeReason } from '../ports/describe-plan.js';
import type { Plan } from '../ports/planner.js';
import { readState } from '../state/state-file.js';
import { acquireLock } from '../state/supervisor-lock.js';
import { Fleet, type RunnerDefaults } from '../supervisor/fleet.js';
import { startControlServer } from './control-server.js';

export interface ServeOptions {
  readonly manifest: Manifest;
  readonly plan: Plan;
  /** Whether events also go to the terminal (foreground `up`), not only to the supervisor log. */
  readonly terminal: boolean;
  /** The `--state-dir` the user gave, kept for reloads. */
  readonly stateDirOption?: string | undefined;
  readonly runnerDefaults?: RunnerDefaults;
}

export interface Supervisor {
  /** Asks everything to stop (dependents first); asked again, kills at once. */
  down(reason: string): void;
  /** Resolves with the exit code once every instance has stopped and the supervisor has let go. */
  readonly finished: Promise<number>;
  readonly fleet: Fleet;
}

/**
 * The supervisor: takes the state folder's lock, re-adopts what an earlier supervisor left running,
 * serves the control socket and starts the autostart instances. Signals are the caller's (the CLI's
 * `up`), so tests can run the whole daemon in-process against its real socket.
 */
export async function serve(options: ServeOptions): Promise<Supervisor> {
  const { manifest, plan } = options;
  const lock = await acquireLock(manifest.stateDir);
  const { log, flush } = await supervisorLogger(manifest.stateDir, { terminal: options.terminal });
  const { document: saved, dropped } = await readState(manifest.stateDir);
  for (const record of dropped)
    log.warn(
      { event: 'state-record-dropped', ...record },
      'a state.json record does not fit its schema: not adopted',
    );
  const fleet = new Fleet(manifest, plan, log, options.runnerDefaults);
  const adopted = await fleet.adopt(saved);
  if (adopted.length > 0) log.info({ event: 'adopted', instances: adopted }, 're-adopted running instances');
  const offsets = plan.instances.map((i) => ({
    instance: i.name,
    offset: i.offset,
    why: describeReason(i.reason, i.product),
  }));
  log.info({ event: 'up', manifest: manifest.file, stateDir: manifest.stateDir, offsets }, 'supervisor up');
  await fleet.flush();

  let requests = 0;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  const down = (reason: string) => {
    requests++;
    if (requests === 1) {
      log.info({ event: 'down', reason }, 'stopping every instance');
      fleet.refuseStarts();
      // Asked again meanwhile, the kill decides the exit (130), even when its SIGKILL ends this stop first.
      void fleet.stop().then(() => requests === 1 && resolveStopped(0));
    } else if (requests === 2) {
      log.warn({ event: 'kill', reason }, 'asked again: killing every instance at once');
      void fleet.kill().then(() => resolveStopped(130));
    }
  };
  // Every pipe at once, before the first launch: one mkfifo, not one per instance on the start's path. Before
  // the socket answers, too: from its first answer, `up -d` must see the autostart instances on their way.
  await makeFifos(manifest.instances.map((i) => pipeOf(logFileOf(manifest.stateDir, i.name))));
  let started = () => {};
  const control = await startControlServer({
    started: new Promise<void>((resolve) => {
      started = resolve;
    }),
    stateDir: manifest.stateDir,
    fleet,
    log,
    onDown: () => down('down requested'),
    reload: async ({ replan }) => {
      // Anything wrong with the new manifest changes nothing: it is all checked before any instance is touched.
      // Loaded here, not at start: the daemon needs the manifest reader for reloads only.
      const { loadManifest } = await import('../manifest/load.js');
      const { planFleet } = await import('../process/plan-fleet.js');
      const next = await loadManifest(manifest.file, options.stateDirOption);
      if (next.stateDir !== manifest.stateDir) {
        throw new UsageError(
          `stateDir cannot change on reload (${manifest.stateDir}); restart the supervisor for that.`,
        );
      }
      const nextPlan = await planFleet(next, { replan: replan === true });
      if (nextPlan.problems.length > 0) {
        const reasons = nextPlan.problems.map((p) => describeProblem(p, nextPlan.instances)).join('\n');
        throw new PortConflictError(`the new manifest cannot be planned; nothing changed:\n${reasons}`, []);
      }
      return fleet.reload(next, nextPlan);
    },
  });
  fleet.start(manifest.instances.filter((i) => i.autostart).map((i) => i.name));
  started();

  // The control socket's server keeps the event loop alive until it closes.
  const finished = stopped.then(async (exitCode) => {
    await control.close();
    await fleet.close();
    await fleet.flush(true);
    log.info({ event: 'exit', exitCode }, 'supervisor exits');
    flush();
    await lock.release();
    return exitCode;
  });
  return { down, finished, fleet };
}
