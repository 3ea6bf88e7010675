import treeKill from 'tree-kill';
import { groupMembers } from './proc-stat.js';

/**
 * Stops an instance's whole process tree. WSO2's script traps nothing useful and does not forward signals:
 * SIGTERM to the shell alone orphans the JVM with its ports, and the shell ends before the JVM has run its
 * shutdown hook. So the JVM and the whole group get SIGTERM, and the stop is over only when no process of
 * the group is left. After the timeout, SIGKILL to the group and, for anything that left the group, to the
 * script's descendants (tree-kill walks them by parent pid).
 */
export async function terminateGroup(options: {
  readonly pgid: number;
  readonly jvmPid?: number | undefined;
  readonly timeoutMs: number;
}): Promise<{ readonly graceful: boolean }> {
  const { pgid, jvmPid, timeoutMs } = options;
  if (jvmPid !== undefined) signal(jvmPid, 'SIGTERM');
  signal(-pgid, 'SIGTERM');
  if (await groupGone(pgid, timeoutMs)) return { graceful: true };
  await killGroup(pgid);
  return { graceful: false };
}

/** SIGKILL to everything of the group and the descendants of its leader, then wait for them to go. */
export async function killGroup(pgid: number): Promise<void> {
  await new Promise<void>((resolve) => treeKill(pgid, 'SIGKILL', () => resolve()));
  signal(-pgid, 'SIGKILL');
  await groupGone(pgid, 10_000);
}

/**
 * Waits until no live process of the group is left; false on timeout. The kernel answers first (ESRCH: no
 * process at all in the group, in microseconds); only while it still counts one (perhaps a zombie that this
 * machine's init does not reap) is /proc read. Polls from 5 ms, doubling to 50 ms: a restart waits here.
 */
export async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    if (!groupExists(pgid) || groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // Already gone: nothing to stop.
  }
}
