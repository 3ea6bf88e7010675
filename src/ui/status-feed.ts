import { supervisorStatus } from '../daemon/control-client.js';
import type { EventStream } from './event-stream.js';
import { type FleetView, fleetView, unsupervisedView } from './view.js';

/** How often the fleet is read while a page watches it (the daemon samples CPU and memory on each read). */
const everyMs = 1_000;

/**
 * The fleet as the pages see it: read from the supervisor once a second while at least one page watches
 * (never without one), and sent to every watching page as a `status` event. One read serves every page.
 */
export class StatusFeed {
  private readonly streams = new Set<EventStream>();
  private last: FleetView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<FleetView> | undefined;

  constructor(private readonly stateDir: string) {}

  get watchers(): number {
    return this.streams.size;
  }

  watch(stream: EventStream): void {
    this.streams.add(stream);
    if (this.last !== undefined) stream.send('status', this.last);
    if (this.streams.size === 1) void this.tick();
    void stream.closed.then(() => {
      this.streams.delete(stream);
      if (this.streams.size === 0) clearTimeout(this.timer);
    });
  }

  /** Reads the fleet now (a read under way is shared) and sends it to every page. */
  read(): Promise<FleetView> {
    this.reading ??= readFleet(this.stateDir)
      .then((view) => {
        this.last = view;
        for (const stream of this.streams) stream.send('status', view);
        return view;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  close(): void {
    clearTimeout(this.timer);
    for (const stream of this.streams) stream.close();
  }

  private async tick(): Promise<void> {
    clearTimeout(this.timer);
    await this.read();
    if (this.streams.size > 0) this.timer = setTimeout(() => void this.tick(), everyMs);
  }
}

/** The fleet's view, or why there is none: no supervisor, or one that does not answer. */
async function readFleet(stateDir: string): Promise<FleetView> {
  try {
    const status = await supervisorStatus(stateDir);
    if (status === undefined) return unsupervisedView('no supervisor runs for this state folder; retrying');
    return fleetView(status, Date.now());
  } catch (error) {
    return unsupervisedView(`the supervisor does not answer: ${(error as Error).message}`);
  }
}
