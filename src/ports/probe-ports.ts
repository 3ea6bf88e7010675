import { detectPort } from 'detect-port';
import { findPortHolders } from './port-holders.js';
import type { PortStatus } from './port-status.js';

/** Bound on probes in flight: each one opens a few listening sockets; this keeps file descriptors in check. */
const defaultConcurrency = 64;

/**
 * Probes ports concurrently (detect-port tries to listen on the port on every local address) and names the
 * holder of each busy one where the host can tell.
 */
export async function probePorts(
  ports: Iterable<number>,
  concurrency = defaultConcurrency,
): Promise<Map<number, PortStatus>> {
  const queue = [...new Set(ports)];
  const busy: number[] = [];
  const results = new Map<number, PortStatus>();
  const worker = async () => {
    for (let port = queue.pop(); port !== undefined; port = queue.pop()) {
      const free = (await detectPort(port)) === port;
      if (free) results.set(port, { free: true });
      else busy.push(port);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  const holders = await findPortHolders(busy);
  for (const port of busy) {
    const holder = holders.get(port);
    results.set(port, holder === undefined ? { free: false } : { free: false, holder });
  }
  return results;
}
