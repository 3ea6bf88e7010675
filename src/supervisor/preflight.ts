import { probePorts } from '../ports/probe-ports.js';
import type { Clock } from './clock.js';
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

type Preflight = ReturnType<typeof busyPlannedPort>;

/** How old a look at the ports a launch may use (a zero-backoff restart comes within milliseconds). */
const freshLookMs = 50;

/**
 * An instance's preflight, which may be started early: once a run's processes are gone, its ports are
 * looked at while its end is judged, and a restart's launch then takes that look instead of waiting for
 * one (issue 17: the restart path). A look older than a moment is not taken.
 */
export class PortPreflight {
  private looked: { readonly at: number; readonly busy: Preflight } | undefined;

  constructor(
    private readonly ports: readonly number[],
    private readonly clock: Clock,
  ) {}

  look(): void {
    this.looked = { at: this.clock.now(), busy: busyPlannedPort(this.ports) };
  }

  busyPort(): Preflight {
    const looked = this.looked;
    this.looked = undefined;
    const fresh = looked !== undefined && this.clock.now() - looked.at <= freshLookMs;
    return fresh ? looked.busy : busyPlannedPort(this.ports);
  }
}
