import { supervisorStatus } from '../../daemon/control-client.js';
import { SupervisorError, UsageError } from '../../errors.js';
import type { Manifest } from '../../manifest/instance-config.js';
import { loadManifest } from '../../manifest/load.js';
import { planFleet } from '../../process/plan-fleet.js';
import { isSameProcess } from '../../process/proc-stat.js';
import type { InstanceSnapshot } from '../../state/instance-record.js';
import { readStateDocument } from '../../state/state-file.js';
import type { CommandContext } from '../context.js';
import type { DescribeInputs } from './facts.js';

/**
 * What `describe` reads: the manifest and its plan (when the manifest is valid; `manifestTrouble` says
 * why not), and the running supervisor's snapshot, else the last one state.json recorded.
 */
export async function gatherInputs(
  context: CommandContext,
  stateDir: string,
  name: string,
): Promise<DescribeInputs & { manifestTrouble: string | undefined }> {
  let manifest: Manifest | undefined;
  let manifestTrouble: string | undefined;
  try {
    manifest = await loadManifest(context.manifestFile, context.stateDir);
  } catch (error) {
    if (!(error instanceof SupervisorError)) throw error;
    manifestTrouble = error.message.split('\n')[0];
  }
  const live = await supervisorStatus(stateDir);
  const state = live ?? (await readStateDocument(stateDir));
  const config = manifest?.instances.find((i) => i.name === name);
  const snapshot = state?.instances[name];
  if (config === undefined && snapshot === undefined) {
    const known = new Set([
      ...(manifest?.instances.map((i) => i.name) ?? []),
      ...Object.keys(state?.instances ?? {}),
    ]);
    throw new UsageError(`no instance named "${name}"; known: ${[...known].join(', ') || 'none'}.`);
  }
  const plan = manifest === undefined ? undefined : await planFleet(manifest);
  return {
    name,
    stateDir,
    supervisorPid: live?.supervisorPid,
    config,
    planned: plan?.instances.find((i) => i.name === name),
    snapshot,
    alive:
      snapshot !== undefined &&
      (live !== undefined ? snapshot.pid !== undefined : await recordedAlive(snapshot)),
    now: Date.now(),
    manifestTrouble,
  };
}

/** A recorded run with no supervisor: alive if its script or JVM is the very process (pid and start time). */
async function recordedAlive(snapshot: InstanceSnapshot): Promise<boolean> {
  const same = (pid?: number, startTime?: number) =>
    pid !== undefined && startTime !== undefined ? isSameProcess(pid, startTime) : Promise.resolve(false);
  return (
    (await same(snapshot.pid, snapshot.startTime)) || (await same(snapshot.jvmPid, snapshot.jvmStartTime))
  );
}
