import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, ...] (Linux). */
export function procStatFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an orphan's zombie may linger where pid 1 does not reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return procStatFields(pid)?.[0] !== 'Z';
}

/** Live simulated (or real) WSO2 servers of a home: the processes started with -Dcarbon.home=<home>. */
export function serversOf(home: string): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !isAlive(Number(entry))) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`-Dcarbon.home=${home}\0`)) count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}
