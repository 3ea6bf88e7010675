import { createHash } from 'node:crypto';
import type { InstanceConfig } from '../manifest/instance-config.js';

/**
 * A digest of what a run is launched with: script, arguments, environment, home and offset. Kept with
 * each run in state.json, so that a manifest edited while no supervisor ran is noticed when the run is
 * re-adopted (the run is relaunched with the edit, as `docker compose up -d` recreates a changed
 * service), and a reload compares the manifest against what runs, not against what was last read.
 * Environment values go into the digest, never into state.json.
 */
export function launchDigest(config: InstanceConfig, offset: number): string {
  const env = Object.entries(config.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const launch = { script: config.script, args: config.args, env, home: config.home, offset };
  return createHash('sha256').update(JSON.stringify(launch)).digest('hex').slice(0, 16);
}
