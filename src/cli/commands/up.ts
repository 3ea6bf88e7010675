import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { supervisorStatus } from '../../daemon/control-client.js';
import { type StartingDaemon, startDaemon } from '../../daemon/daemonize.js';
import { exitCodes, UsageError } from '../../errors.js';
import type { Manifest } from '../../manifest/instance-config.js';
import { stateDirOf } from '../../manifest/state-dir.js';
import { describeProblem } from '../../ports/describe-plan.js';
import type { Plan } from '../../ports/planner.js';
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
  if (!options.detach) {
    const manifest = await loadManifest(context);
    const plan = await planFleet(manifest);
    return plan.problems.length > 0 ? refuse(plan) : supervise(context, manifest, plan);
  }
  const progress = {
    wait: options.wait !== false,
    json: context.json,
    ...(waitTimeoutMs !== undefined && { timeoutMs: waitTimeoutMs }),
  };
  const stateDir = await stateFolderOf(context);
  const running = await supervisorStatus(stateDir);
  if (running) return upAgain(await loadManifest(context), running, progress);
  // The daemon boots while the manifest is validated and the fleet planned; it gets both, or is let go.
  const daemon = await startDaemon(path.resolve(context.manifestFile), stateDir);
  const manifest = await letGoOnError(daemon, loadManifest(context));
  const plan = await letGoOnError(daemon, planFleet(manifest));
  if (plan.problems.length > 0) {
    daemon.abandon();
    return refuse(plan);
  }
  return followStartUp(manifest, await daemon.handOver(manifest, plan), progress);
}

/**
 * The state folder, from the manifest's JSON alone (as `status` finds it). The manifest is read even when
 * `--state-dir` says where: one that cannot be read fails with loadManifest's own error, before a daemon.
 */
async function stateFolderOf(context: CommandContext): Promise<string> {
  try {
    await access(context.manifestFile, constants.R_OK);
    return await stateDirOf(context.manifestFile, context.stateDir);
  } catch {
    return (await loadManifest(context)).stateDir;
  }
}

// Loaded once the daemon is on its way: the schema, the home checks and the planner are ~12 ms of loading
// (yaml, zod) that the daemon's Node boot need not wait for (issue 17).
async function loadManifest(context: CommandContext): Promise<Manifest> {
  const { loadManifest } = await import('../../manifest/load.js');
  return loadManifest(context.manifestFile, context.stateDir);
}

async function planFleet(manifest: Manifest): Promise<Plan> {
  const { planFleet } = await import('../../process/plan-fleet.js');
  return planFleet(manifest);
}

async function letGoOnError<T>(daemon: StartingDaemon, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    daemon.abandon();
    throw error;
  }
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
