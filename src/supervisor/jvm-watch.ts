import { readFileSync, watch } from 'node:fs';
import path from 'node:path';
import { readProcStat } from '../process/proc-stat.js';
import type { JvmIdentity } from './run.js';

/**
 * The run's JVM now, from the pid file WSO2 writes at every JVM start (`wso2carbon.pid` in the home),
 * trusted only when that process is in the run's group, identified with its start time so that a later
 * signal can never reach a recycled pid.
 */
export function identifyJvm(pidFile: string, pgid: number): JvmIdentity | undefined {
  const text = readText(pidFile);
  // API-M's pid file is NUL-padded (Carbon writes it through a fixed-size record).
  const pid = Number.parseInt(text.replace(/\0/g, '').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const stat = readProcStat(pid);
  return stat?.pgid === pgid ? { pid, startTime: stat.startTime } : undefined;
}

/** A pid file of a few bytes, read synchronously (a restart reads it; issue 17), or '' when there is none. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export const sameJvm = (a: JvmIdentity | undefined, b: JvmIdentity | undefined): boolean =>
  a?.pid === b?.pid && a?.startTime === b?.startTime;

/**
 * Calls `onWrite` whenever the pid file is written: Carbon's start script runs the JVM in a loop while it
 * exits 121 (a restart from its console or API, carbon-kernel `CarbonServerManager.restart`), and every
 * new JVM writes the file. Watched through inotify on the home folder (the file itself is replaced), so an
 * idle instance costs nothing; callers also look again at each health check, in case an event was missed.
 */
export function watchPidFile(pidFile: string, onWrite: () => void): () => void {
  const name = path.basename(pidFile);
  try {
    const watcher = watch(path.dirname(pidFile), { persistent: false }, (_event, file) => {
      if (file === null || file === name) onWrite();
    });
    watcher.on('error', () => watcher.close());
    return () => watcher.close();
  } catch {
    // A home that cannot be watched: the health checks' look is the fallback.
    return () => {};
  }
}
