import { readdirSync, readFileSync } from 'node:fs';

/** The simulated JVMs' main classes (MI, API-M, Carbon 5); their diagnostics and install-jars JVMs are not. */
const jvmMainClasses = new Set([
  'org.wso2.micro.integrator.bootstrap.Bootstrap',
  'org.wso2.carbon.bootstrap.Bootstrap',
  'org.wso2.carbon.launcher.Main',
]);

interface ProcessLine {
  readonly pid: number;
  readonly args: readonly string[];
}

/** Every live process with its arguments, from /proc (a process gone meanwhile is skipped). */
export function processes(): ProcessLine[] {
  const found: ProcessLine[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (args.length > 0) found.push({ pid: Number(entry), args });
    } catch {
      // Gone since the listing.
    }
  }
  return found;
}

/** The live JVMs of each home (a home is an instance): more than one at a time is a duplicate launch. */
export function jvmsByHome(list: readonly ProcessLine[], homes: Iterable<string>): Map<string, number[]> {
  const byHome = new Map<string, number[]>([...homes].map((home) => [home, []]));
  for (const { pid, args } of list) {
    if (!args.some((arg) => jvmMainClasses.has(arg))) continue;
    const home = args.find((arg) => arg.startsWith('-Dcarbon.home='))?.slice('-Dcarbon.home='.length);
    if (home !== undefined) byHome.get(home)?.push(pid);
  }
  return byHome;
}

/** Processes whose arguments name a path under the run's folder: after `down`, none may be left. */
export function processesUnder(list: readonly ProcessLine[], root: string): ProcessLine[] {
  return list.filter(({ pid, args }) => pid !== process.pid && args.some((arg) => arg.includes(root)));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resident memory of a process, in MB (0 when it is gone). */
export function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time a process has used so far, in seconds (utime + stime). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
