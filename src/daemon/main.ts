import { exitCodes, SupervisorError } from '../errors.js';
import { forgetInheritedTag } from '../process/run-tag.js';
import { readHandOff } from './handoff.js';
import { serve } from './serve.js';

/**
 * The daemon process `up -d` starts (daemonize.ts): `node daemon.cjs -f MANIFEST --state-dir DIR --hand-off`
 * (start.ts), with the manifest and plan `up -d` made handed over on stdin (none: up -d let it go). Its own
 * entry point, not the CLI's: it has no command line parser and no printing, and runs the manifest reader
 * only on a reload (or when started by hand, with no hand-off), which keeps its memory small for the months
 * it runs. What it prints before its log is up goes to daemon.out.
 */
async function main(args: readonly string[]): Promise<number> {
  forgetInheritedTag(process.env);
  const manifestFile = flagValue(args, '-f');
  const stateDir = flagValue(args, '--state-dir');
  const handOff = await readHandOff(process.stdin);
  // Started by up -d, which found the manifest cannot be planned after all: nothing to do.
  if (handOff === undefined && args.includes('--hand-off')) return exitCodes.ok;
  let manifest = handOff?.manifest;
  let plan = handOff?.plan;
  if (manifest === undefined || plan === undefined) {
    // Started by hand or by an earlier CLI: it reads and plans the manifest itself.
    if (manifestFile === undefined) throw new Error('usage: daemon.cjs -f MANIFEST [--state-dir DIR]');
    const { loadManifest } = await import('../manifest/load.js');
    const { planFleet } = await import('../process/plan-fleet.js');
    manifest = await loadManifest(manifestFile, stateDir);
    plan = await planFleet(manifest);
    if (plan.problems.length > 0) throw new Error('the manifest cannot be planned: run wso2-supervisor plan');
  }
  const supervisor = await serve({ manifest, plan, terminal: false, stateDirOption: stateDir });
  process.on('SIGINT', () => supervisor.down('SIGINT'));
  process.on('SIGTERM', () => supervisor.down('SIGTERM'));
  return supervisor.finished;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = error instanceof SupervisorError ? error.exitCode : exitCodes.operationFailed;
  },
);
