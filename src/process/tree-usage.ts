import pidusage from 'pidusage';
import { listProcesses } from './proc-stat.js';

export interface Usage {
  /** CPU of the whole process group, in % of one core: since the previous sample in this process, else since start. */
  readonly cpuPercent: number;
  readonly memoryBytes: number;
}

/**
 * CPU and resident memory of each process group (an instance's whole tree: script, JVM, diagnostics, any
 * grandchild), from one /proc scan and one pidusage call for every pid.
 */
export async function treeUsage(pgids: readonly number[]): Promise<Map<number, Usage>> {
  const wanted = new Set(pgids);
  const members = listProcesses().filter((p) => wanted.has(p.pgid));
  const result = new Map<number, Usage>();
  if (members.length === 0) return result;
  const stats = await pidusage(members.map((p) => p.pid)).catch(
    () => ({}) as Record<string, pidusage.Status>,
  );
  for (const member of members) {
    // null for a process that ended between the scan and the sample (the script's `java -version`, say).
    const stat = stats[member.pid] as pidusage.Status | null | undefined;
    if (!stat) continue;
    const sum = result.get(member.pgid) ?? { cpuPercent: 0, memoryBytes: 0 };
    result.set(member.pgid, {
      cpuPercent: sum.cpuPercent + stat.cpu,
      memoryBytes: sum.memoryBytes + stat.memory,
    });
  }
  return result;
}
