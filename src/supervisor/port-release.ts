import { findPortHolders } from '../ports/port-holders.js';
import { readProcStat } from '../process/proc-stat.js';

/**
 * Waits (bounded) until no planned port is held by a process that could be the run's: one that started
 * after the run did (an orphan that kept a socket). Holders older than the run are foreign: not waited for.
 * Resolves the ports still held at the deadline (empty: all released).
 */
export async function portsReleased(
  ports: readonly number[],
  runStartTime: number | undefined,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 100)) {
    const held = await findPortHolders(ports);
    const ours = await Promise.all(
      [...held].map(async ([port, holder]) => {
        const stat = readProcStat(holder.pid);
        // Without the run's start time, any holder may be ours: wait for it (bounded).
        return stat !== undefined && stat.startTime >= (runStartTime ?? 0) ? [port] : [];
      }),
    );
    const waiting = ours.flat();
    if (waiting.length === 0 || Date.now() >= deadline) return waiting;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
