import { groupMembers, listProcesses, type ProcStat, readProcStat } from './proc-stat.js';

/**
 * Stops an instance's whole process tree. WSO2's script traps nothing useful and does not forward signals:
 * SIGTERM to the shell alone orphans the JVM with its ports, and the shell ends before the JVM has run its
 * shutdown hook. So the JVM and the whole group get SIGTERM, and the stop is over only when no process of
 * the group is left. After the timeout, SIGKILL to the group and to every descendant seen before the
 * SIGTERM (anything that left the group with setsid), each checked by start time so that a recycled pid is
 * never hit. The tree is taken from /proc up front: once the shell has died, its orphans no longer have it
 * as parent, which is why walking parents at SIGKILL time (tree-kill's way, which also needs `ps`) finds
 * nothing.
 */
export async function terminateGroup(options: {
  readonly pgid: number;
  /** The JVM, by pid and start time: signalled only if it is still that very process. */
  readonly jvm?: { readonly pid: number; readonly startTime: number } | undefined;
  readonly timeoutMs: number;
}): Promise<{ readonly graceful: boolean }> {
  const { pgid, jvm, timeoutMs } = options;
  // Nothing left (the usual case after a crash, on the restart path): no signal to send, nothing to wait for.
  // The kernel says so in microseconds; reading /proc for the tree costs milliseconds. A process that left
  // the group before it emptied has been handed to init: the tree, found by parents, would not reach it.
  if (!groupExists(pgid)) return { graceful: true };
  const tree = processTree(pgid);
  if (tree.length === 0) return { graceful: true };
  // The JVM may have left the group (setsid): it is signalled itself, once its start time proves it is ours.
  const current = jvm && tree.find((p) => p.pid === jvm.pid && p.startTime === jvm.startTime);
  if (current) signal(current.pid, 'SIGTERM');
  signal(-pgid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  // A JVM outside the group is given the same time for its shutdown hooks before the survivors' SIGKILL.
  const jvmGone = () => current === undefined || current.pgid === pgid || !sameLiveProcess(current);
  if ((await groupGone(pgid, timeoutMs, tree)) && (await pollUntil(jvmGone, deadline - Date.now()))) {
    killSurvivors(tree, pgid);
    return { graceful: true };
  }
  await killGroup(pgid, tree);
  return { graceful: false };
}

/** SIGKILL to the group and the given tree, then wait (bounded) for them to go. */
export async function killGroup(pgid: number, tree: readonly ProcStat[] = processTree(pgid)): Promise<void> {
  signal(-pgid, 'SIGKILL');
  killSurvivors(tree, pgid);
  await groupGone(pgid, 10_000, tree);
}

/** The group's live processes and, by parent pid, all their descendants, whatever group they are in. */
function processTree(pgid: number): ProcStat[] {
  const all = listProcesses();
  const tree = all.filter((p) => p.pgid === pgid);
  const inTree = new Set(tree.map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        tree.push(p);
        grew = true;
      }
    }
  }
  return tree;
}

/**
 * SIGKILL to the tree's processes that left the group and are still the very same processes. Each is read
 * on its own: the tree is a few processes, where listing every process reads hundreds of files.
 */
function killSurvivors(tree: readonly ProcStat[], pgid: number): void {
  for (const p of tree) {
    const current = sameLiveProcess(p);
    if (current && current.pgid !== pgid) signal(p.pid, 'SIGKILL');
  }
}

/** The process as it is now, if it is still that very one (pid and start time) and not a zombie. */
function sameLiveProcess(p: ProcStat): ProcStat | undefined {
  const current = readProcStat(p.pid);
  return current?.startTime === p.startTime && current.state !== 'Z' ? current : undefined;
}

/**
 * Waits until no live process of the group is left; false on timeout. The kernel answers first (ESRCH: no
 * process at all in the group, in microseconds); only while it still counts one (perhaps a zombie that this
 * machine's init does not reap) is /proc read: first the `known` members (a JVM taking seconds over its
 * shutdown hooks is found alive in one read, on every poll of a stop), every process only when none of
 * them is left. Polls from 5 ms, doubling to 50 ms: a restart waits here.
 */
export async function groupGone(
  pgid: number,
  timeoutMs: number,
  known: readonly ProcStat[] = [],
): Promise<boolean> {
  // A member seen in another group (one that left with setsid) can never count: not read on every poll.
  const members = known.filter((p) => p.pgid === pgid);
  const knownAlive = () => members.some((p) => sameLiveProcess(p)?.pgid === pgid);
  return pollUntil(() => !groupExists(pgid) || (!knownAlive() && groupMembers(pgid).length === 0), timeoutMs);
}

/** Polls `done` from 5 ms, doubling to 50 ms, until it holds (true) or `timeoutMs` has passed (false). */
async function pollUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Whether any process, a zombie perhaps, is still in the group: the kernel's answer, in microseconds. */
export function groupExists(pgid: number): boolean {
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
