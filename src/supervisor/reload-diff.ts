import type { InstanceConfig, Manifest } from '../manifest/instance-config.js';
import type { Plan } from '../ports/planner.js';
import { launchDigest } from './launch-digest.js';

/** What a reload does to each instance. */
export interface ReloadDiff {
  readonly added: string[];
  readonly removed: string[];
  /** What the JVM sees changed (script, arguments, environment, home, offset, product): restarted. */
  readonly changed: string[];
  /** Other settings changed (restart policy, timeouts, readiness, logs): applied to the live run. */
  readonly retuned: string[];
  readonly unchanged: string[];
}

export interface CurrentInstance {
  readonly name: string;
  readonly config: InstanceConfig;
  readonly offset: number;
  /** The launch digest of its live run, when it has one (it may predate an edit: adopted). */
  readonly running: string | undefined;
}

/** Sorts the instances of a reload (pure): compared against what runs, not only against what was read. */
export function diffReload(current: readonly CurrentInstance[], manifest: Manifest, plan: Plan): ReloadDiff {
  const offsets = new Map(plan.instances.map((i) => [i.name, i.offset]));
  const next = new Map(manifest.instances.map((i) => [i.name, i]));
  const diff: ReloadDiff = { added: [], removed: [], changed: [], retuned: [], unchanged: [] };
  const known = new Set(current.map((i) => i.name));
  diff.added.push(...[...next.keys()].filter((name) => !known.has(name)));
  for (const instance of current) {
    const config = next.get(instance.name);
    if (config === undefined) {
      diff.removed.push(instance.name);
      continue;
    }
    const digest = launchDigest(config, offsets.get(instance.name) ?? instance.offset);
    const running = instance.running ?? launchDigest(instance.config, instance.offset);
    if (running !== digest || instance.config.product !== config.product) diff.changed.push(instance.name);
    else if (JSON.stringify(instance.config) !== JSON.stringify(config)) diff.retuned.push(instance.name);
    else diff.unchanged.push(instance.name);
  }
  return diff;
}
