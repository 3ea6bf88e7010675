import { isSameProcess } from './proc-stat.js';

/** A run as state.json recorded it: its start script and, once found, its JVM, each with its start time. */
export interface RecordedProcesses {
  readonly pid: number;
  readonly startTime?: number;
  readonly jvm?: { readonly pid: number; readonly startTime: number };
}

/**
 * The recorded run still lives: its start script, or failing that its JVM (the script may have ended while
 * the JVM runs on), is the very process recorded, by pid and start time, never a recycled pid.
 */
export async function recordedRunLives(run: RecordedProcesses): Promise<boolean> {
  if (run.startTime !== undefined && (await isSameProcess(run.pid, run.startTime))) return true;
  return run.jvm !== undefined && isSameProcess(run.jvm.pid, run.jvm.startTime);
}
