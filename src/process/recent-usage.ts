import { treeUsage, type Usage } from './tree-usage.js';

type Sampler = (pgids: readonly number[]) => Promise<Map<number, Usage>>;

/**
 * The daemon's usage answers for `status`: a sample of the same process groups taken less than
 * `reuseForMs` ago is given again. Polled back to back (`watch status`, a dashboard, a script waiting for a
 * state), each answer scanned all of /proc, ~5 of the daemon's ~7 ms for 20 instances on a host of ~100
 * processes (issue 17), and a CPU share over the few milliseconds between two polls says little anyway. A
 * change of groups (a restart, a stop) is sampled at once; requests that come together share one scan.
 */
export class RecentUsage {
  private last: { key: string; at: number; usage: Promise<Map<number, Usage>> } | undefined;

  constructor(
    private readonly sample: Sampler = treeUsage,
    // Monotonic: a wall clock set back would freeze the answers until it caught up.
    private readonly now: () => number = () => performance.now(),
    private readonly reuseForMs = 1000,
  ) {}

  of(pgids: readonly number[]): Promise<Map<number, Usage>> {
    const key = [...pgids].sort((a, b) => a - b).join(',');
    const at = this.now();
    const last = this.last;
    if (last !== undefined && last.key === key && at - last.at < this.reuseForMs) return last.usage;
    const usage = this.sample(pgids);
    const entry = { key, at, usage };
    this.last = entry;
    // A failed sample is not given again.
    usage.catch(() => {
      if (this.last === entry) this.last = undefined;
    });
    return usage;
  }
}
