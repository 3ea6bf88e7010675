import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { listProcesses } from '../../src/process/proc-stat.js';

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

/** SIGKILL, for a clean-up: a process that ended meanwhile is no error. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

export interface FolderProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly command: string;
}

/**
 * Live processes of a test's folder: the command line names the folder (scripts, JVMs, log writers, the
 * daemon) or it runs in it (the diagnostics tool, whose command line names no path).
 */
export function processesOf(root: string): FolderProcess[] {
  const out: FolderProcess[] = [];
  for (const p of listProcesses()) {
    let command = '';
    let cwd = '';
    try {
      command = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
      cwd = readlinkSync(`/proc/${p.pid}/cwd`);
    } catch {
      // gone meanwhile, or not ours to read
    }
    if (command.includes(`${root}/`) || cwd.startsWith(`${root}/`))
      out.push({ pid: p.pid, ppid: p.ppid, pgid: p.pgid, command: command.split('\0').join(' ') });
  }
  return out;
}
