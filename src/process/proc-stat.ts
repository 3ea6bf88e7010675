import { readdirSync, readFileSync } from 'node:fs';

/** What /proc/PID/stat says of a process (Linux). */
export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), T... */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks after boot: with the pid, it identifies a process across pid reuse. */
  readonly startTime: number;
  /** CPU time used so far, user and system, in clock ticks. */
  readonly cpuTicks: number;
  /** Resident set size, in pages. */
  readonly residentPages: number;
}

/**
 * Synchronous: a /proc file is made by the kernel as it is read, never waits on a disk, and read so takes
 * microseconds, where the thread pool's open, read and close took ~0.3 ms of the daemon's CPU each time
 * (a restart reads several; issue 17).
 */
export function readProcStat(pid: number): ProcStat | undefined {
  return parseStat(pid, readSafe(`/proc/${pid}/stat`));
}

function parseStat(pid: number, text: string | undefined): ProcStat | undefined {
  if (text === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTime: Number(fields[19]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    residentPages: Number(fields[21]),
  };
}

/**
 * Live (non-zombie) processes of a process group. Synchronous on purpose: reading every /proc/PID/stat
 * takes ~1 ms this way and ~9 ms through the thread pool, and a restart waits on it.
 */
export function groupMembers(pgid: number): ProcStat[] {
  return listProcesses().filter((p) => p.pgid === pgid);
}

/**
 * A process and its descendants, from the kernel's per-thread lists of children (a few small synchronous
 * reads, where listing every process reads hundreds of files); empty when the process is gone or the kernel keeps no
 * such lists. Processes that left the tree (daemonized, or orphaned and adopted by init) are not found.
 */
export function processAndDescendants(pid: number): number[] {
  const found = [pid];
  for (let k = 0; k < found.length; k++) {
    const parent = found[k] as number;
    const tasks = readdirSafe(`/proc/${parent}/task`);
    if (tasks.length === 0 && k === 0) return [];
    for (const task of tasks) {
      const children = readSafe(`/proc/${parent}/task/${task}/children`) ?? '';
      for (const child of children.split(' ')) if (child.trim() !== '') found.push(Number(child));
    }
  }
  return found;
}

/** Every live (non-zombie) process this user can see. */
export function listProcesses(): ProcStat[] {
  const processes: ProcStat[] = [];
  for (const pid of processIds()) {
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.state !== 'Z') processes.push(stat);
  }
  return processes;
}

/** The pid of every process in /proc, as it is listed (some may be gone by the time they are read). */
export function processIds(): number[] {
  return readdirSafe('/proc').flatMap((entry) => (/^\d+$/.test(entry) ? [Number(entry)] : []));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readSafe(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and is the very process that started at `startTime` (not a recycled pid). */
export async function isSameProcess(pid: number, startTime: number): Promise<boolean> {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === startTime;
}

/**
 * Whether a process runs: it exists and is not a zombie. `kill(pid, 0)` alone calls a zombie alive, and
 * where pid 1 does not reap orphans (containers) a dead supervisor can stay a zombie indefinitely.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = parseStat(pid, readSafe(`/proc/${pid}/stat`));
  return stat === undefined ? process.platform !== 'linux' : stat.state !== 'Z';
}
