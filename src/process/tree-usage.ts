import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { listProcesses } from './proc-stat.js';

export interface Usage {
  /** CPU of the whole process group, in % of one core: since the previous sample in this process, else since start. */
  readonly cpuPercent: number;
  readonly memoryBytes: number;
}

/**
 * USER_HZ, the unit of every CPU time in /proc: 100 on each Linux architecture Node runs on (the kernel's
 * interface, whatever its internal HZ; `getconf CLK_TCK` says the same).
 */
const ticksPerSecond = 100;

/** One reading of a process's CPU time: ticks used, and when (in seconds since boot). */
export interface CpuReading {
  readonly ticks: number;
  readonly at: number;
}

/**
 * % of one core a process used between two readings of it; with no earlier reading, since it started
 * (`startedAt`, seconds since boot). A pure function of its inputs.
 */
export function cpuPercent(now: CpuReading, before: CpuReading | undefined, startedAt: number): number {
  const from = before ?? { ticks: 0, at: startedAt };
  const seconds = now.at - from.at;
  if (seconds <= 0) return 0;
  return Math.max(0, ((now.ticks - from.ticks) / ticksPerSecond / seconds) * 100);
}

/** Each sampled process's last reading, by pid and start time (a recycled pid is another process). */
const lastReadings = new Map<string, CpuReading>();

/**
 * CPU and resident memory of each process group (an instance's whole tree: script, JVM, diagnostics, any
 * grandchild), from one /proc scan. Read here rather than through pidusage, which started `getconf` twice
 * (CLK_TCK, PAGESIZE) on its first call, ~70 ms of the daemon's CPU in the middle of a start-up wave, and
 * read again each /proc/PID/stat the scan had just read (issue 17).
 */
export async function treeUsage(pgids: readonly number[]): Promise<Map<number, Usage>> {
  const wanted = new Set(pgids);
  const members = listProcesses().filter((p) => wanted.has(p.pgid));
  const result = new Map<number, Usage>();
  if (members.length === 0) return result;
  const at = secondsSinceBoot();
  const seen = new Set<string>();
  const bytesPerPage = pageSize();
  for (const member of members) {
    const memoryBytes = member.residentPages * bytesPerPage;
    const key = `${member.pid}:${member.startTime}`;
    const now = { ticks: member.cpuTicks, at };
    const cpu = cpuPercent(now, lastReadings.get(key), member.startTime / ticksPerSecond);
    lastReadings.set(key, now);
    seen.add(key);
    const sum = result.get(member.pgid) ?? { cpuPercent: 0, memoryBytes: 0 };
    result.set(member.pgid, {
      cpuPercent: sum.cpuPercent + cpu,
      memoryBytes: sum.memoryBytes + memoryBytes,
    });
  }
  // The daemon asks for every running instance's group each time: a reading not renewed now is of a
  // process gone (or no longer supervised), and is dropped, so the map never outgrows the fleet.
  for (const key of lastReadings.keys()) if (!seen.has(key)) lastReadings.delete(key);
  return result;
}

let bytesPerPage: number | undefined;

/**
 * The page size, the unit of /proc's resident set sizes (4 KiB on x86, 4, 16 or 64 KiB on ARM), from the
 * kernel's AT_PAGESZ in this process's auxiliary vector: pairs of native words, type then value. (Reading
 * /proc/PID/status for each process's VmRSS in kB instead cost ~1 ms a process during a start-up wave.)
 */
function pageSize(): number {
  if (bytesPerPage !== undefined) return bytesPerPage;
  bytesPerPage = 4096;
  try {
    const vector = readFileSync('/proc/self/auxv');
    const word = process.arch.endsWith('64') ? 8 : 4;
    const read = (at: number) =>
      word === 8
        ? Number(endianness() === 'LE' ? vector.readBigUInt64LE(at) : vector.readBigUInt64BE(at))
        : endianness() === 'LE'
          ? vector.readUInt32LE(at)
          : vector.readUInt32BE(at);
    const atPageSize = 6;
    for (let at = 0; at + 2 * word <= vector.length; at += 2 * word)
      if (read(at) === atPageSize) bytesPerPage = read(at + word);
  } catch {
    // No auxiliary vector to read: the most common size stands.
  }
  return bytesPerPage;
}

/** The system's uptime in seconds, the clock of /proc's start times. */
function secondsSinceBoot(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}
