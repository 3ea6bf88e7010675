import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What the planner takes from the last run's `<stateDir>/state.json`. */
export interface SavedState {
  /** Offsets of the last run, by instance name. */
  readonly offsets: Record<string, number>;
  /** The process group of each instance that had a run, with its leader's start time and its JVM. */
  readonly groups: Record<string, SavedGroup>;
}

export interface SavedGroup {
  readonly pgid: number;
  readonly startTime?: number;
  readonly jvm?: { readonly pid: number; readonly startTime: number };
}

/**
 * Reads the last run's state. A missing or unreadable file means a first run: the planner then starts
 * from the defaults, which is always safe.
 */
export async function readSavedState(stateDir: string): Promise<SavedState> {
  const saved: SavedState = { offsets: {}, groups: {} };
  const text = await readFile(path.join(stateDir, 'state.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return saved;
  try {
    const instances =
      (JSON.parse(text) as { instances?: Record<string, Record<string, unknown>> }).instances ?? {};
    for (const [name, entry] of Object.entries(instances)) {
      if (Number.isInteger(entry?.offset)) saved.offsets[name] = entry.offset as number;
      if (Number.isInteger(entry?.pgid)) {
        const startTime = Number.isInteger(entry.startTime) ? (entry.startTime as number) : undefined;
        const jvm =
          Number.isInteger(entry.jvmPid) && Number.isInteger(entry.jvmStartTime)
            ? { pid: entry.jvmPid as number, startTime: entry.jvmStartTime as number }
            : undefined;
        saved.groups[name] = {
          pgid: entry.pgid as number,
          ...(startTime !== undefined && { startTime }),
          ...(jvm !== undefined && { jvm }),
        };
      }
    }
  } catch {
    // A torn or foreign file: plan as on a first run.
  }
  return saved;
}
