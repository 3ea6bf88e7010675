import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { processIds, readProcStat } from './proc-stat.js';

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

/**
 * The time, then 8 random hex digits: randomUUID's, drawn from a pool (randomBytes asked the system for
 * each; a launch makes one, on the restart path).
 */
export const newRunId = (): string => `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

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
  return environ === undefined ? undefined : parseRunTag(environ);
}

/**
 * readRunTag, synchronously, for the start's scan of every process (strayGroups): ~100 small files that the
 * thread pool took ~10 ms to hand back one by one, on the way to the first launch (issue 17). The read of a
 * process stuck holding its memory map's lock would hold the start up either way (it awaited every read);
 * a single look, as a reload's planning takes, stays asynchronous and holds up nothing else.
 */
function runTagOf(pid: number): RunTag | undefined {
  try {
    return parseRunTag(readFileSync(`/proc/${pid}/environ`, 'latin1'));
  } catch {
    return undefined;
  }
}

function parseRunTag(environ: string): RunTag | undefined {
  if (!environ.includes(variables.runId)) return undefined;
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
 * group with its instance's name. Never a group of this process or of one of its ancestors. The tag is
 * looked for first, and only a tagged process's stat is read: a supervisor's start scans every process.
 */
export function strayGroups(stateDir: string, keep: ReadonlySet<string>): Map<number, string> {
  const strays = new Map<number, string>();
  const spared = new Set<number>();
  let ours: Set<number> | undefined;
  for (const pid of processIds()) {
    const tag = runTagOf(pid);
    if (tag?.stateDir !== stateDir) continue;
    const stat = readProcStat(pid);
    if (stat === undefined || stat.state === 'Z') continue;
    ours ??= lineage();
    if (keep.has(tag.runId) || ours.has(stat.pgid)) spared.add(stat.pgid);
    else strays.set(stat.pgid, tag.instance);
  }
  // A group holding a process of a kept run is not signalled as a whole.
  for (const pgid of spared) strays.delete(pgid);
  return strays;
}

/** The process groups of this process and of each of its ancestors. */
function lineage(): Set<number> {
  const groups = new Set<number>();
  for (let p = readProcStat(process.pid); p !== undefined; p = readProcStat(p.ppid)) {
    groups.add(p.pgid);
    if (p.ppid <= 1) break;
  }
  return groups;
}
