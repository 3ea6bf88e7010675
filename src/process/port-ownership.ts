import type { PortHolder } from '../errors.js';
import { findListeners } from '../ports/port-holders.js';
import { processAndDescendants, readProcStat } from './proc-stat.js';

/** A planned port the instance does not hold: nobody listens on it, or another process does. */
export interface MissingPort {
  readonly port: number;
  readonly holder?: PortHolder;
  /** Something listens, but the host would not say who (another user's process). */
  readonly heldByUnknown?: boolean;
}

/**
 * The planned ports not held by a process of the instance's process group. WSO2 carries on without a port
 * it could not bind (BindException in the log), so after the ready signal this is how a clash shows.
 */
export async function portsNotHeld(ports: readonly number[], pgid: number): Promise<MissingPort[]> {
  // The group leader is the start script: its descendants are the likely holders, found in a few reads.
  const members = processAndDescendants(pgid);
  const listeners = await findListeners(ports, members);
  const missing: MissingPort[] = [];
  for (const port of ports) {
    if (!listeners.has(port)) {
      missing.push({ port });
      continue;
    }
    const holder = listeners.get(port);
    if (holder === undefined) missing.push({ port, heldByUnknown: true });
    else if (!members.includes(holder.pid) && readProcStat(holder.pid)?.pgid !== pgid)
      missing.push({ port, holder });
  }
  return missing;
}

export function describeMissingPort(missing: MissingPort): string {
  if (missing.holder)
    return `port ${missing.port} is held by pid ${missing.holder.pid} (${missing.holder.command})`;
  if (missing.heldByUnknown) return `port ${missing.port} is held by another user's process`;
  return `nothing listens on port ${missing.port}`;
}
