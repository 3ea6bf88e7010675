import type { StatusAnswer } from '../daemon/control-protocol.js';
import { runFacts } from '../daemon/run-facts.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import { type InstanceUrl, instanceUrls } from './urls.js';

/**
 * What the page shows of an instance. Built field by field from the supervisor's status (never a copy of
 * it), so that nothing reaches the browser that is not listed here: no environment, no paths, no pids.
 */
export interface InstanceRow {
  readonly name: string;
  readonly product: string;
  readonly offset: number;
  readonly state: string;
  readonly detail: string;
  readonly health: string;
  readonly restarts: number;
  readonly uptimeSeconds: number | null;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly urls: readonly InstanceUrl[];
}

export interface FleetView {
  /** Whether a supervisor answered; when not, `problem` says why and the rows are empty. */
  readonly supervised: boolean;
  readonly problem: string | null;
  readonly instances: readonly InstanceRow[];
}

export function fleetView(status: StatusAnswer, now: number): FleetView {
  const instances = Object.values(status.instances).map((snapshot) => rowOf(snapshot, status.usage, now));
  return { supervised: true, problem: null, instances };
}

export function unsupervisedView(problem: string): FleetView {
  return { supervised: false, problem, instances: [] };
}

function rowOf(snapshot: InstanceSnapshot, usage: StatusAnswer['usage'], now: number): InstanceRow {
  const { machine, health } = snapshot;
  const { uptimeMs, restarts, cpuPercent, memoryBytes } = runFacts(snapshot, usage, now);
  return {
    name: snapshot.name,
    product: snapshot.product,
    offset: snapshot.offset,
    state: machine.state,
    detail: machine.detail ?? '',
    health: health === undefined ? '-' : health.ok ? 'ok' : `failing: ${health.error ?? ''}`,
    restarts,
    uptimeSeconds: uptimeMs === null ? null : Math.round(uptimeMs / 1000),
    cpuPercent,
    memoryBytes,
    urls: instanceUrls(snapshot.product, snapshot.offset),
  };
}
