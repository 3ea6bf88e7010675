import { startControlServer } from '../../daemon/control-server.js';
import { daemonize } from '../../daemon/daemonize.js';
import { exitCodes, PortConflictError, UsageError } from '../../errors.js';
import { supervisorLogger } from '../../log/supervisor-log.js';
import { loadManifest } from '../../manifest/load.js';
import { describeProblem, describeReason } from '../../ports/describe-plan.js';
import { planFleet } from '../../process/plan-fleet.js';
import { forgetInheritedTag } from '../../process/run-tag.js';
import { readStateDocument } from '../../state/state-file.js';
import { acquireLock } from '../../state/supervisor-lock.js';
import { Fleet } from '../../supervisor/fleet.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic } from '../print.js';

interface UpOptions {
  detach?: boolean;
  wait?: boolean;
  /** Internal: this process is the daemon `up -d` started. */
  daemon?: boolean;
}

/**
 * `up`: plan, launch the autostart instances in dependency order, serve the control socket and log every
 * state change; SIGINT/SIGTERM or `down` stop everything gracefully (dependents first) and exit 0; a second
 * signal kills at once. `up -d` runs the same as a daemon in its own session and returns once it listens.
 */
export async function run(context: CommandContext): Promise<number> {
  const options = context.options as UpOptions;
  forgetInheritedTag(process.env);
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const plan = await planFleet(manifest);
  if (plan.problems.length > 0) {
    for (const problem of plan.problems)
      printDiagnostic(`error: ${describeProblem(problem, plan.instances)}`);
    printDiagnostic('Nothing was started.');
    return exitCodes.portsUnavailable;
  }
  if (options.detach && !options.daemon)
    return daemonize(manifest, { wait: options.wait !== false, json: context.json });

  const lock = await acquireLock(manifest.stateDir);
  const { log, flush } = await supervisorLogger(manifest.stateDir, { terminal: !options.daemon });
  const saved = await readStateDocument(manifest.stateDir);
  const fleet = new Fleet(manifest, plan, log);
  const adopted = await fleet.adopt(saved);
  if (adopted.length > 0) log.info({ event: 'adopted', instances: adopted }, 're-adopted running instances');
  const offsets = plan.instances.map((i) => ({
    instance: i.name,
    offset: i.offset,
    why: describeReason(i.reason),
  }));
  log.info({ event: 'up', manifest: manifest.file, stateDir: manifest.stateDir, offsets }, 'supervisor up');
  await fleet.flush();

  let down: (reason: string) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    let requests = 0;
    down = (reason) => {
      requests++;
      if (requests === 1) {
        log.info({ event: 'down', reason }, 'stopping every instance');
        void fleet.stop().then(() => resolve(exitCodes.ok));
      } else if (requests === 2) {
        log.warn({ event: 'kill', reason }, 'asked again: killing every instance at once');
        void fleet.kill().then(() => resolve(130));
      }
    };
  });
  const startTimeoutMs = Math.max(...manifest.instances.map((i) => i.startTimeoutSeconds)) * 1000;
  const control = await startControlServer({
    stateDir: manifest.stateDir,
    fleet,
    log,
    startTimeoutMs,
    onDown: () => down('down requested'),
    reload: async () => {
      // Anything wrong with the new manifest changes nothing: it is all checked before any instance is touched.
      const next = await loadManifest(manifest.file, context.stateDir);
      if (next.stateDir !== manifest.stateDir) {
        throw new UsageError(
          `stateDir cannot change on reload (${manifest.stateDir}); restart the supervisor for that.`,
        );
      }
      const nextPlan = await planFleet(next);
      if (nextPlan.problems.length > 0) {
        const reasons = nextPlan.problems.map((p) => describeProblem(p, nextPlan.instances)).join('\n');
        throw new PortConflictError(`the new manifest cannot be planned; nothing changed:\n${reasons}`, []);
      }
      return fleet.reload(next, nextPlan);
    },
  });
  process.on('SIGINT', () => down('SIGINT'));
  process.on('SIGTERM', () => down('SIGTERM'));
  fleet.start(manifest.instances.filter((i) => i.autostart).map((i) => i.name));

  const keepAlive = setInterval(() => {}, 1 << 30);
  const exitCode = await stopped;
  clearInterval(keepAlive);
  await control.close();
  await fleet.close();
  await fleet.flush();
  log.info({ event: 'exit', exitCode }, 'supervisor exits');
  flush();
  await lock.release();
  return exitCode;
}
