import { readFile } from 'node:fs/promises';
import { listProcesses } from './proc-stat.js';

/**
 * Every launch carries its state folder and instance name in its environment, which the start script, the
 * JVM and whatever they start inherit: the poor man's cgroup (PM2 tags its processes the same way). It is
 * the one record of a run that exists from the very fork, so a supervisor killed between the spawn and its
 * state.json write still leaves runs the next one can find, instead of orphans holding their ports.
 */
const stateDirVariable = 'WSO2_SUPERVISOR_STATE_DIR';
const instanceVariable = 'WSO2_SUPERVISOR_INSTANCE';

export interface RunTag {
  readonly stateDir: string;
  readonly instance: string;
}

export function runTagEnvironment(tag: RunTag): Record<string, string> {
  return { [stateDirVariable]: tag.stateDir, [instanceVariable]: tag.instance };
}

/** The tag a process was started with, or undefined (untagged, gone, or another user's). */
export async function readRunTag(pid: number): Promise<RunTag | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => undefined);
  if (environ === undefined) return undefined;
  let stateDir: string | undefined;
  let instance: string | undefined;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(`${stateDirVariable}=`)) stateDir = entry.slice(stateDirVariable.length + 1);
    else if (entry.startsWith(`${instanceVariable}=`)) instance = entry.slice(instanceVariable.length + 1);
  }
  return stateDir !== undefined && instance !== undefined ? { stateDir, instance } : undefined;
}

/** The process groups of every live run launched for this state folder, each with its instance's name. */
export async function taggedGroups(stateDir: string): Promise<Map<number, string>> {
  const groups = new Map<number, string>();
  await Promise.all(
    listProcesses().map(async (p) => {
      const tag = await readRunTag(p.pid);
      if (tag?.stateDir === stateDir) groups.set(p.pgid, tag.instance);
    }),
  );
  return groups;
}
