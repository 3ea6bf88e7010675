import type { Logger } from 'pino';
import { recordedRunLives } from '../process/run-liveness.js';
import { strayGroups } from '../process/run-tag.js';
import { terminateGroup } from '../process/terminate.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import type { StateDocument } from '../state/state-file.js';
import type { InstanceRunner } from './instance-runner.js';

/**
 * Takes over the runs an earlier supervisor recorded (it crashed, or was killed): a run still alive, by
 * pid and process start time (never a recycled pid), is adopted, not launched again; one recorded as live
 * but gone ended while nobody watched, and its restart policy applies. Returns what was adopted, and the
 * instances to launch now: caught starting before their launch was recorded, or stopped because the
 * manifest changed what they are launched with.
 */
export async function adoptRuns(
  runners: ReadonlyMap<string, InstanceRunner>,
  saved: StateDocument | undefined,
  stateDir: string,
  log: Logger,
): Promise<{ adopted: string[]; unlaunched: string[] }> {
  const adopted: string[] = [];
  const unlaunched: string[] = [];
  const ended: [InstanceRunner, InstanceSnapshot][] = [];
  for (const [name, runner] of runners) {
    const record = saved?.instances[name];
    // After a supervisor killed (not one that went down), the counters carry over, whatever became of the
    // run: `restarts` never decreases while the instances are supervised.
    if (record !== undefined && saved?.supervisor.stoppedAt === undefined) runner.inherit(record);
    if (record === undefined || !['starting', 'running', 'stopping'].includes(record.machine.state)) continue;
    // Starting with no run recorded: the supervisor died before its launch was written down (or made).
    if (record.machine.state === 'starting' && record.pid === undefined) {
      unlaunched.push(name);
      continue;
    }
    if (await isLive(record)) {
      const change = changeOf(record, runner);
      if (change === undefined) {
        runner.adopt(record);
        adopted.push(name);
        continue;
      }
      // The manifest changed while no supervisor ran (another offset, an edited env, args or script): the
      // old run is ours (verified), so it is stopped whole and launched again with the edit, as
      // `docker compose up -d` recreates a changed service. No failure of the instance's: no restart counted.
      log.warn(
        { event: change, instance: name, from: record.offset },
        'relaunching a run the manifest has changed since',
      );
      await terminateGroup({
        pgid: record.pgid as number,
        jvm: jvmOf(record),
        timeoutMs: runner.stopTimeoutMs,
      });
      unlaunched.push(name);
      continue;
    }
    ended.push([runner, record]);
  }
  // Strays first: a restart decided below must find their ports free.
  // Read now, after every await above: a run adopted meanwhile may have ended and been launched again.
  const kept = [...runners.values()].flatMap((runner) => runner.runIds());
  await stopStrays(stateDir, new Set(kept), log);
  for (const [runner, record] of ended) runner.endedUnwatched(record);
  return { adopted, unlaunched };
}

/**
 * Stops every run tagged with this state folder (run-tag.ts) that is not adopted: runs launched by a
 * supervisor killed before it recorded them, or whose record was lost. Left alone, they would be orphans
 * holding the ports their instance is about to be launched on. Under the lock, no other supervisor of
 * this folder can own them.
 */
async function stopStrays(stateDir: string, adoptedRuns: ReadonlySet<string>, log: Logger): Promise<void> {
  const strays = strayGroups(stateDir, adoptedRuns);
  await Promise.all(
    [...strays].map(async ([pgid, instance]) => {
      log.warn(
        { event: 'stray-run', instance, pgid },
        'stopping a run no supervisor recorded (one died between launching it and writing state.json)',
      );
      // Never recorded, so never ready under supervision: a short grace, and the daemon comes up soon.
      await terminateGroup({ pgid, timeoutMs: 5_000 });
    }),
  );
}

/** Why a live run no longer matches the manifest, if it does not; a run recorded before digests matches. */
function changeOf(
  record: InstanceSnapshot,
  runner: InstanceRunner,
): 'offset-changed' | 'launch-changed' | undefined {
  if (record.offset !== runner.snapshot().offset) return 'offset-changed';
  if (record.launch !== undefined && record.launch !== runner.expectedLaunch) return 'launch-changed';
  return undefined;
}

const jvmOf = (record: InstanceSnapshot) =>
  record.jvmPid !== undefined && record.jvmStartTime !== undefined
    ? { pid: record.jvmPid, startTime: record.jvmStartTime }
    : undefined;

/** The recorded run still lives (run-liveness.ts), and was recorded whole. */
async function isLive(record: InstanceSnapshot): Promise<boolean> {
  if (record.pid === undefined || record.pgid === undefined || record.writerPid === undefined) return false;
  const jvm = jvmOf(record);
  return recordedRunLives({
    pid: record.pid,
    ...(record.startTime !== undefined && { startTime: record.startTime }),
    ...(jvm !== undefined && { jvm }),
  });
}
