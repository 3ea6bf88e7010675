import { readdir, readFile } from 'node:fs/promises';

/** What /proc/PID/stat says of a process (Linux). */
export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), T... */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks after boot: with the pid, it identifies a process across pid reuse. */
  readonly startTime: number;
}

export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTime: Number(fields[19]),
  };
}

/** Live (non-zombie) processes of a process group. */
export async function groupMembers(pgid: number): Promise<ProcStat[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  const stats = await Promise.all(pids.map((pid) => readProcStat(Number(pid))));
  return stats.filter((s): s is ProcStat => s !== undefined && s.pgid === pgid && s.state !== 'Z');
}

/** True when `pid` is alive and is the very process that started at `startTime` (not a recycled pid). */
export async function isSameProcess(pid: number, startTime: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === startTime;
}
