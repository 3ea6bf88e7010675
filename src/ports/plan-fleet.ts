import type { Manifest } from '../manifest/instance-config.js';
import { readSavedOffsets } from '../state/saved-offsets.js';
import { type Plan, plan } from './planner.js';
import type { PortStatus } from './port-status.js';
import { probePorts } from './probe-ports.js';

export type Prober = (ports: readonly number[]) => Promise<Map<number, PortStatus>>;

/**
 * Plans the fleet against this host: plan with what is known, probe the ports the plan relies on that
 * were not probed yet, plan again. Probe results only grow, so this ends, usually after two rounds.
 */
export async function planFleet(manifest: Manifest, prober: Prober = probePorts): Promise<Plan> {
  const saved = await readSavedOffsets(manifest.stateDir);
  const probes = new Map<number, PortStatus>();
  for (;;) {
    const result = plan({ instances: manifest.instances, offsets: manifest.offsets, saved, probes });
    const unprobed = result.instances.flatMap((i) =>
      i.ports.filter((p) => p.state === 'unprobed').map((p) => p.port),
    );
    if (unprobed.length === 0) return result;
    const found = await prober(unprobed);
    // A port the prober could not answer for is treated as busy, so the loop always ends.
    for (const port of unprobed) probes.set(port, found.get(port) ?? { free: false });
  }
}
