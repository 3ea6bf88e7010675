import { supervisorStatus } from '../../daemon/control-client.js';
import { startDaemon } from '../../daemon/daemonize.js';
import { exitCodes, UsageError } from '../../errors.js';
import type { Manifest } from '../../manifest/instance-config.js';
import { loadManifest } from '../../manifest/load.js';
import { describeProblem } from '../../ports/describe-plan.js';
import type { Plan } from '../../ports/planner.js';
import { planFleet } from '../../process/plan-fleet.js';
import { forgetInheritedTag } from '../../process/run-tag.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic } from '../print.js';
import { upAgain } from '../up-again.js';
import { followStartUp } from '../up-progress.js';

interface UpOptions {
  detach?: boolean;
  wait?: boolean;
  waitTimeout?: string;
}

/**
 * `up`: plans, then runs the supervisor (daemon/serve.ts) in the foreground until SIGINT/SIGTERM or
 * `down` (a second signal kills at once); `up -d` starts it as a daemon and follows each instance's
 * start-up until every autostart instance has settled. `up -d` again applies the manifest (up-again.ts).
 */
export async function run(context: CommandContext): Promise<number> {
  const options = context.options as UpOptions;
  const waitTimeoutMs = parseWaitTimeout(options.waitTimeout);
  forgetInheritedTag(process.env);
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const progress = {
    wait: options.wait !== false,
    json: context.json,
    ...(waitTimeoutMs !== undefined && { timeoutMs: waitTimeoutMs }),
  };
  const running = options.detach ? await supervisorStatus(manifest.stateDir) : undefined;
  if (running) return upAgain(manifest, running, progress);
  // The daemon boots while the fleet is planned; it gets the plan, or is let go.
  const daemon = options.detach ? await startDaemon(manifest) : undefined;
  const plan = await planFleet(manifest);
  if (plan.problems.length > 0) {
    daemon?.abandon();
    return refuse(plan);
  }
  if (daemon) return followStartUp(manifest, await daemon.handOver(plan), progress);
  return supervise(context, manifest, plan);
}

/** Runs the supervisor until SIGINT/SIGTERM or `down` (a second signal kills at once). */
async function supervise(context: CommandContext, manifest: Manifest, plan: Plan): Promise<number> {
  // Loaded here only: the whole supervisor is ~40 ms of loading that `up -d` (a daemon runs it) never needs.
  const { serve } = await import('../../daemon/serve.js');
  const supervisor = await serve({ manifest, plan, terminal: true, stateDirOption: context.stateDir });
  process.on('SIGINT', () => supervisor.down('SIGINT'));
  process.on('SIGTERM', () => supervisor.down('SIGTERM'));
  return supervisor.finished;
}

function parseWaitTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--wait-timeout takes a number of seconds above 0 (found "${text}").`);
  return seconds * 1000;
}

function refuse(plan: Plan): number {
  for (const problem of plan.problems) printDiagnostic(`error: ${describeProblem(problem, plan.instances)}`);
  printDiagnostic('Nothing was started.');
  return exitCodes.portsUnavailable;
}
