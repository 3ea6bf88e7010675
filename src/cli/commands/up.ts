import { exitCodes } from '../../errors.js';
import { supervisorLogger } from '../../log/supervisor-log.js';
import { loadManifest } from '../../manifest/load.js';
import { describeProblem, describeReason } from '../../ports/describe-plan.js';
import { planFleet } from '../../ports/plan-fleet.js';
import { readStateDocument } from '../../state/state-file.js';
import { acquireLock } from '../../state/supervisor-lock.js';
import { Fleet } from '../../supervisor/fleet.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic } from '../print.js';

/**
 * `up` in the foreground: plan, launch the autostart instances in dependency order, log every state change;
 * SIGINT/SIGTERM stop everything gracefully (dependents first) and exit 0; a second signal kills at once.
 */
export async function run(context: CommandContext): Promise<number> {
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const plan = await planFleet(manifest);
  if (plan.problems.length > 0) {
    for (const problem of plan.problems)
      printDiagnostic(`error: ${describeProblem(problem, plan.instances)}`);
    printDiagnostic('Nothing was started.');
    return exitCodes.portsUnavailable;
  }
  const lock = await acquireLock(manifest.stateDir);
  const { log, flush } = supervisorLogger(manifest.stateDir);
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
  fleet.start(manifest.instances.filter((i) => i.autostart).map((i) => i.name));

  const keepAlive = setInterval(() => {}, 1 << 30);
  const exitCode = await new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        log.info({ event: 'down', signal }, 'stopping every instance');
        void fleet.stop().then(() => resolve(exitCodes.ok));
      } else {
        log.warn({ event: 'kill', signal }, 'second signal: killing every instance at once');
        void fleet.kill().then(() => resolve(130));
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  clearInterval(keepAlive);
  await fleet.close();
  await fleet.flush();
  log.info({ event: 'exit', exitCode }, 'supervisor exits');
  flush();
  await lock.release();
  return exitCode;
}
