import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { findPortHolders } from './port-holders.js';
import type { PortStatus } from './port-status.js';

/** Bound on probes in flight: each one opens a listening socket; this keeps file descriptors in check. */
const defaultConcurrency = 64;

/**
 * Probes ports concurrently and names the holder of each busy one where the host can tell.
 *
 * A WSO2 JVM binds the wildcard address (dual-stack `::` where the host has IPv6), so a port is free when
 * the wildcards can be bound: `0.0.0.0` clashes with any IPv4 listener on the port, `::` also with IPv6-only
 * ones such as a server on `[::1]`. Where `::` is dual-stack (net.ipv6.bindv6only = 0, Linux's default),
 * it clashes with IPv4 listeners too, and is the one probe made: a probe is ~0.1 ms of the daemon's CPU,
 * two for each of an instance's ports before each restart (issue 17). Each probe listens on exactly the
 * port asked and closes at once.
 * detect-port, the first choice, cannot do that: on a busy port it goes on to listen on the next ten ports
 * (it looks for a free one to offer), and so briefly took ports next to it, failing probes of those ports
 * running at the same moment and possibly a JVM binding them.
 */
export async function probePorts(
  ports: Iterable<number>,
  concurrency = defaultConcurrency,
): Promise<Map<number, PortStatus>> {
  const queue = [...new Set(ports)];
  const hostnames = (await hasIpv6()) ? (dualStack() ? ['::'] : ['0.0.0.0', '::']) : ['0.0.0.0'];
  const busy: number[] = [];
  const results = new Map<number, PortStatus>();
  const isFree = async (port: number) => {
    for (const hostname of hostnames) if (!(await canListen(port, hostname))) return false;
    return true;
  };
  const worker = async () => {
    for (let port = queue.pop(); port !== undefined; port = queue.pop()) {
      if (await isFree(port)) results.set(port, { free: true });
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

/**
 * Whether a listener on exactly this port and address can be made (and it is closed again at once). `::`
 * is asked for by giving no host: Node then listens on `::` without a DNS lookup of it, whose first IPv6
 * address check compiled a regular expression for ~13 ms of every `up` (issue 17). Only asked for where
 * the host has IPv6 (hasIpv6), so Node's fallback to 0.0.0.0 never happens here.
 */
function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    const where = host === '::' ? { port, exclusive: true } : { port, host, exclusive: true };
    server.listen(where, () => server.close(() => resolve(true)));
  });
}

let dualStackSetting: boolean | undefined;

/** Whether a socket on `::` also takes IPv4 (IPV6_V6ONLY off, which Node leaves to the system's default). */
function dualStack(): boolean {
  dualStackSetting ??= readSetting('/proc/sys/net/ipv6/bindv6only') === '0';
  return dualStackSetting;
}

function readSetting(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

let ipv6: Promise<boolean> | undefined;

/**
 * Whether this host can listen on IPv6 at all (asked once per process, on an ephemeral port): given no
 * host, Node listens on `::` where it can and on 0.0.0.0 where it cannot.
 */
function hasIpv6(): Promise<boolean> {
  ipv6 ??= new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port: 0 }, () => {
      const family = (server.address() as { family?: string } | null)?.family;
      server.close(() => resolve(family === 'IPv6'));
    });
  });
  return ipv6;
}
