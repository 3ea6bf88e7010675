import type { Manifest } from '../manifest/instance-config.js';
import { type Plan, plan } from '../ports/planner.js';
import type { PortStatus } from '../ports/port-status.js';
import { probePorts } from '../ports/probe-ports.js';
import { readSavedState, type SavedState } from '../ports/saved-state.js';
import { portSet, productOf } from '../products/catalog.js';
import { readProcStat } from './proc-stat.js';
import { recordedRunLives } from './run-liveness.js';
import { readRunTag } from './run-tag.js';

export type Prober = (ports: readonly number[]) => Promise<Map<number, PortStatus>>;

/**
 * Plans the fleet against this host: plan with what is known, probe the ports the plan relies on that
 * were not probed yet, plan again. Probe results only grow, so this ends, usually after two rounds.
 * `replan`: offsets given before are not kept (the user asked for a fresh placement).
 */
export async function planFleet(
  manifest: Manifest,
  options: { readonly prober?: Prober; readonly replan?: boolean } = {},
): Promise<Plan> {
  const { prober = probePorts, replan = false } = options;
  const saved = await readSavedState(manifest.stateDir);
  const probes = await portsOfLiveRuns(manifest, saved);
  for (;;) {
    const result = plan({
      instances: manifest.instances,
      offsets: manifest.offsets,
      saved: replan ? {} : saved.offsets,
      probes,
    });
    const unprobed = result.instances.flatMap((i) =>
      i.ports.filter((p) => p.state === 'unprobed').map((p) => p.port),
    );
    if (unprobed.length === 0) return result;
    const found = await prober(unprobed);
    // A port the prober could not answer for is treated as busy, so the loop always ends.
    for (const port of unprobed)
      probes.set(port, await withOwner(found.get(port) ?? { free: false }, saved, manifest.stateDir));
  }
}

/**
 * The ports of every instance whose last run still lives, at its last offset, as that instance's own and
 * never probed: a probe listens on the port for a moment, and a JVM still starting that binds it then
 * fails with a BindException (its early listeners are up, its health listeners not yet). `describe`,
 * `plan` or a second `up -d` during a start-up wave must not break it.
 */
async function portsOfLiveRuns(manifest: Manifest, saved: SavedState): Promise<Map<number, PortStatus>> {
  const own = new Map<number, PortStatus>();
  await Promise.all(
    manifest.instances.map(async (instance) => {
      const group = saved.groups[instance.name];
      const offset = saved.offsets[instance.name];
      if (
        group === undefined ||
        offset === undefined ||
        !(await recordedRunLives({ ...group, pid: group.pgid }))
      )
        return;
      for (const { port } of portSet(productOf(instance.product), offset))
        own.set(port, { free: false, owner: instance.name });
    }),
  );
  return own;
}

/**
 * Marks a busy port as an instance's own when its holder is of the instance's last process group, or was
 * launched for it (run-tag.ts) by a supervisor that died before recording the run: the next supervisor
 * stops that run, and the instance keeps its offset.
 */
async function withOwner(status: PortStatus, saved: SavedState, stateDir: string): Promise<PortStatus> {
  if (status.free || status.holder === undefined) return status;
  const pgid = readProcStat(status.holder.pid)?.pgid;
  for (const [name, group] of Object.entries(saved.groups)) {
    if (group.pgid !== pgid) continue;
    // The group's leader (the start script), if still alive, must be the very process of that run.
    const leader = readProcStat(group.pgid);
    if (leader === undefined || group.startTime === undefined || leader.startTime === group.startTime) {
      return { ...status, owner: name };
    }
  }
  const tag = await readRunTag(status.holder.pid);
  return tag?.stateDir === stateDir ? { ...status, owner: tag.instance } : status;
}
