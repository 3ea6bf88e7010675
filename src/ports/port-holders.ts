import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { PortHolder } from '../errors.js';

/**
 * Which process listens on each of some TCP ports, where the host can tell: Linux lists listening sockets
 * with their inode in /proc/net/tcp{,6}, and each process's sockets as links in /proc/PID/fd. Processes of
 * other users cannot be read unless we are root; for those (and on other systems) the holder stays unknown.
 */
export async function findPortHolders(ports: readonly number[]): Promise<Map<number, PortHolder>> {
  const holders = new Map<number, PortHolder>();
  for (const [port, holder] of await findListeners(ports))
    if (holder !== undefined) holders.set(port, holder);
  return holders;
}

/**
 * The ports, of those asked, that something listens on, each with its holder where the host can tell.
 * `likelyHolders` (an instance's own processes) are looked at first: when they hold every listening port,
 * the scan of every process's descriptors, thousands of readlinks on a busy host, is skipped.
 */
export async function findListeners(
  ports: readonly number[],
  likelyHolders: readonly number[] = [],
): Promise<Map<number, PortHolder | undefined>> {
  const holders = new Map<number, PortHolder | undefined>();
  if (ports.length === 0 || process.platform !== 'linux') return holders;
  const inodeToPort = listeningInodes(new Set(ports));
  for (const port of inodeToPort.values()) holders.set(port, undefined);
  const unresolved = () => [...holders.values()].some((holder) => holder === undefined);
  for (const pid of likelyHolders) findSockets(String(pid), inodeToPort, holders);
  if (!unresolved()) return holders;
  const pids = (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (let k = 0; k < pids.length && unresolved(); k++) {
    findSockets(pids[k] as string, inodeToPort, holders);
    if (k % 32 === 31) await new Promise((resolve) => setImmediate(resolve)); // let others run between chunks
  }
  return holders;
}

/**
 * Records `pid` as the holder of each wanted listening socket among its descriptors. Synchronous: a
 * readlink is a few microseconds, and through the thread pool each one cost a round trip of ~0.4 ms.
 */
function findSockets(
  pid: string,
  inodeToPort: ReadonlyMap<string, number>,
  holders: Map<number, PortHolder | undefined>,
): void {
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return; // gone, or not ours to look into
  }
  for (const fd of fds) {
    let link = '';
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const port = inodeToPort.get(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? '');
    if (port !== undefined && holders.get(port) === undefined) {
      holders.set(port, { pid: Number(pid), command: commandOf(pid) });
    }
  }
}

/**
 * Socket inode -> local port, for sockets in LISTEN state (st 0A) on the wanted ports. Listeners come first in
 * each table; reading past the last one costs the kernel a walk of the established-socket hash up to the next
 * socket of that family (seq_file asks for the next record after each one it shows): 262,144 buckets on this
 * 2-core VM, ~2.5 ms, found by `perf` to be most of the daemon's CPU at each instance's start. So: a table
 * whose family has no TCP socket at all is not read; IPv6 first, since a JVM listens on the dual-stack `::`,
 * the IPv4 table only for ports not found; the reading stops at the first other socket or once every wanted
 * port was found; and a short read is EOF, so no empty read walks the hash again.
 */
function listeningInodes(wanted: ReadonlySet<number>): Map<string, number> {
  const result = new Map<string, number>();
  const found = new Set<number>();
  for (const { table, counts } of tables) {
    if (found.size === wanted.size) break;
    if (tcpSocketsInUse(counts) === 0) continue;
    readListeners(table, (port, inode) => {
      if (wanted.has(port)) {
        result.set(inode, port);
        found.add(port);
      }
      return found.size < wanted.size;
    });
  }
  return result;
}

const tableChunkBytes = 2048;

/**
 * Each table with the file that counts its sockets. A table with no socket at all still costs a whole walk
 * of the hash to say so (with no IPv6 in use, every look at /proc/net/tcp6 did), where the count is a sum
 * of per-CPU counters (`sock_prot_inuse_get`, net/core/sock.c): it is read first.
 */
const tables = [
  { table: '/proc/net/tcp6', counts: { file: '/proc/net/sockstat6', label: 'TCP6:' } },
  { table: '/proc/net/tcp', counts: { file: '/proc/net/sockstat', label: 'TCP:' } },
];

/** The TCP sockets in use for one family, listeners included; unknown when the count cannot be read. */
function tcpSocketsInUse(counts: { file: string; label: string }): number | undefined {
  let text = '';
  try {
    text = readFileSync(counts.file, 'latin1');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith(`${counts.label} `));
  const inUse = /\binuse (\d+)/.exec(line ?? '')?.[1];
  return inUse === undefined ? undefined : Number(inUse);
}

/** Hands each listener of a /proc/net/tcp{,6} table to `onListener` while it asks for more (true). */
function readListeners(table: string, onListener: (port: number, inode: string) => boolean): void {
  let fd: number;
  try {
    fd = openSync(table, 'r');
  } catch {
    return; // no such table (no IPv6)
  }
  try {
    const chunk = Buffer.alloc(tableChunkBytes);
    let pending = '';
    let header = true;
    for (;;) {
      const length = readSync(fd, chunk, 0, chunk.length, null);
      const lines = (pending + chunk.toString('latin1', 0, length)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        const fields = line.trim().split(/\s+/);
        const [local, state, inode] = [fields[1], fields[3], fields[9]];
        if (state !== '0A' || local === undefined || inode === undefined) return; // listeners are over
        const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
        if (!onListener(port, inode)) return;
      }
      if (length < chunk.length) return;
    }
  } catch {
    return;
  } finally {
    closeSync(fd);
  }
}

export function commandOf(pid: string | number): string {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // gone meanwhile
  }
  const command = cmdline.split('\0').filter(Boolean).join(' ');
  return command.length > 120 ? `${command.slice(0, 117)}...` : command;
}
