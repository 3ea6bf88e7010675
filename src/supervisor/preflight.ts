import { probePorts } from '../ports/probe-ports.js';
import type { BusyPort } from './machine.js';

/**
 * Probes an instance's planned ports right before a launch. A busy one is waited for (in backoff, with
 * its holder named), never moved off nor fought over: WSO2 would carry on without the port.
 */
export async function busyPlannedPort(
  ports: readonly number[],
): Promise<{ busy: BusyPort; reason: string } | undefined> {
  const busy = [...(await probePorts(ports))].flatMap(([port, s]) =>
    s.free ? [] : [{ port, holder: s.holder }],
  );
  const first = busy[0];
  if (first === undefined) return undefined;
  const more = busy.length - 1;
  const who = first.holder ? `held by pid ${first.holder.pid} (${first.holder.command})` : 'busy';
  return {
    busy: { port: first.port, more, ...(first.holder && { holder: first.holder }) },
    reason: `port ${first.port} is ${who}${more > 0 ? ` (and ${more} more)` : ''}`,
  };
}
