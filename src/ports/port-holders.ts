import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
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
  const inodeToPort = await listeningInodes(new Set(ports));
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

/** Socket inode -> local port, for sockets in LISTEN state (st 0A) on the wanted ports. */
async function listeningInodes(wanted: ReadonlySet<number>): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  // Each table costs the kernel a walk of its whole socket hash (~5 ms here): both are read at once.
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].map((table) => readFile(table, 'utf8').catch(() => ''));
  for (const text of await Promise.all(tables)) {
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== '0A' || local === undefined || inode === undefined) continue;
      const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (wanted.has(port)) result.set(inode, port);
    }
  }
  return result;
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
