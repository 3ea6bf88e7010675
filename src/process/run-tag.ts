import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { listProcesses, type ProcStat } from './proc-stat.js';

/**
 * Every launch carries its state folder, instance name and a run id of its own in its environment, which
 * the start script, the JVM and whatever they start inherit: the poor man's cgroup (PM2 tags its processes
 * the same way). It is the one record of a run that exists from the very fork, so a supervisor killed
 * between the spawn and its state.json write still leaves runs the next one can find, instead of orphans
 * holding their ports. The run id tells a recorded run's processes (a helper it detached included) from
 * an unrecorded one's.
 */
const variables = {
  stateDir: 'WSO2_SUPERVISOR_STATE_DIR',
  instance: 'WSO2_SUPERVISOR_INSTANCE',
  runId: 'WSO2_SUPERVISOR_RUN',
} as const;

export interface RunTag {
  readonly stateDir: string;
  readonly instance: string;
  readonly runId: string;
}

export const newRunId = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

export function runTagEnvironment(tag: RunTag): Record<string, string> {
  return {
    [variables.stateDir]: tag.stateDir,
    [variables.instance]: tag.instance,
    [variables.runId]: tag.runId,
  };
}

/**
 * Drops a tag this process inherited (a supervisor started from a shell inside an instance): it would pass
 * it on to the daemon and the log writers, and a later supervisor would take them for a stray run.
 */
export function forgetInheritedTag(env: NodeJS.ProcessEnv): void {
  for (const name of Object.values(variables)) delete env[name];
}

/** The tag a process was started with, or undefined (untagged, gone, or another user's). */
export async function readRunTag(pid: number): Promise<RunTag | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => undefined);
  if (environ === undefined) return undefined;
  const found: Partial<Record<keyof typeof variables, string>> = {};
  for (const entry of environ.split('\0')) {
    for (const [key, name] of Object.entries(variables) as [keyof typeof variables, string][])
      if (entry.startsWith(`${name}=`)) found[key] = entry.slice(name.length + 1);
  }
  const { stateDir, instance, runId } = found;
  return stateDir && instance && runId ? { stateDir, instance, runId } : undefined;
}

/**
 * Live processes launched for this state folder whose run is not one of `keep`, by process group, each
 * group with its instance's name. Never a group of this process or of one of its ancestors.
 */
export async function strayGroups(stateDir: string, keep: ReadonlySet<string>): Promise<Map<number, string>> {
  const processes = listProcesses();
  const ours = lineage(processes);
  const strays = new Map<number, string>();
  const spared = new Set<number>();
  await Promise.all(
    processes.map(async (p) => {
      const tag = await readRunTag(p.pid);
      if (tag?.stateDir !== stateDir) return;
      if (keep.has(tag.runId) || ours.has(p.pgid)) spared.add(p.pgid);
      else strays.set(p.pgid, tag.instance);
    }),
  );
  // A group holding a process of a kept run is not signalled as a whole.
  for (const pgid of spared) strays.delete(pgid);
  return strays;
}

/** The process groups of this process and of each of its ancestors. */
function lineage(processes: readonly ProcStat[]): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const groups = new Set<number>();
  for (let p = byPid.get(process.pid); p !== undefined; p = byPid.get(p.ppid)) {
    groups.add(p.pgid);
    if (p.ppid <= 1) break;
  }
  return groups;
}
