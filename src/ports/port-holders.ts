import { readdir, readFile, readlink } from 'node:fs/promises';
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
  await Promise.all(likelyHolders.map((pid) => findSockets(String(pid), inodeToPort, holders)));
  if (!unresolved()) return holders;
  const pids = (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  await Promise.all(pids.map((pid) => findSockets(pid, inodeToPort, holders)));
  return holders;
}

/** Records `pid` as the holder of each wanted listening socket among its descriptors. */
async function findSockets(
  pid: string,
  inodeToPort: ReadonlyMap<string, number>,
  holders: Map<number, PortHolder | undefined>,
): Promise<void> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
  for (const fd of fds) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const port = inodeToPort.get(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? '');
    if (port !== undefined && holders.get(port) === undefined) {
      holders.set(port, { pid: Number(pid), command: await commandOf(pid) });
    }
  }
}

/** Socket inode -> local port, for sockets in LISTEN state (st 0A) on the wanted ports. */
async function listeningInodes(wanted: ReadonlySet<number>): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
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

export async function commandOf(pid: string | number): Promise<string> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const command = cmdline.split('\0').filter(Boolean).join(' ');
  return command.length > 120 ? `${command.slice(0, 117)}...` : command;
}
