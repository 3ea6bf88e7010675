import type { InstanceSnapshot } from '../state/instance-record.js';
import type { StatusAnswer } from './control-protocol.js';

/** What a status answer says of an instance's current run, as every view shows it. */
export interface RunFacts {
  /** A live run has a script pid under a live supervisor. */
  readonly alive: boolean;
  /** From the current run's launch (its script, or Carbon's last relaunch), as `status` counts it. */
  readonly uptimeMs: number | null;
  readonly restarts: number;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
}

/** The run facts of one instance (pure), for `status`-like views: `top` and the web page. */
export function runFacts(snapshot: InstanceSnapshot, usage: StatusAnswer['usage'], now: number): RunFacts {
  const alive = snapshot.pid !== undefined;
  const used = alive ? usage[snapshot.name] : undefined;
  return {
    alive,
    uptimeMs: alive && snapshot.startedAt !== undefined ? Math.max(0, now - snapshot.startedAt) : null,
    restarts: snapshot.machine.restartsTotal ?? snapshot.machine.restarts.length,
    cpuPercent: used?.cpuPercent ?? null,
    memoryBytes: used?.memoryBytes ?? null,
  };
}
