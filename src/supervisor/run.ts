import { spawn } from 'node:child_process';
import type { LogPosition } from '../capture/log-tail.js';
import { isSameProcess, readProcStat } from '../process/proc-stat.js';
import { newRunId, runTagEnvironment } from '../process/run-tag.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import type { Clock } from './clock.js';

/** A JVM, identified across pid reuse by its start time. */
export interface JvmIdentity {
  readonly pid: number;
  readonly startTime: number;
}

/** How the start script ended: known for our own child; an adopted one's status cannot be read. */
export type ScriptStatus = { readonly code: number | null; readonly signal: string | null } | undefined;

/**
 * One launch of the start script, from spawn to the end of its last process. Launched or adopted, a run
 * differs only in how its end is observed: `ended` settles from waitpid for our own child, from polling
 * /proc (pid and start time) for one an earlier supervisor launched.
 */
export interface Run {
  /** This launch's own id, in its processes' environment (run-tag.ts) and in state.json. */
  readonly runId: string | undefined;
  /** What the run was launched with (launch-digest.ts); unknown for a run recorded before digests. */
  readonly launch: string | undefined;
  readonly pid: number;
  /** The script leads its own process group: every process of the instance is in it. */
  readonly pgid: number;
  readonly startTime: number | undefined;
  /** When the current JVM was launched: the script's spawn, or Carbon's last relaunch (exit 121). */
  startedAt: number;
  readonly writerPid: number;
  /** Where this run's output starts in the captured log (survives a rotation before the follow opens it). */
  logStart: LogPosition | undefined;
  /**
   * Where the log ended when this supervisor launched the run (its launch marker came next): the run's end
   * is judged from its lines from there. Undefined for an adopted run; `logStart` moves on at a relaunch.
   */
  readonly launchedAt: LogPosition | undefined;
  jvm: JvmIdentity | undefined;
  readonly adopted: boolean;
  readonly ended: Promise<ScriptStatus>;
  /** How the script ended, once it has (set from `ended`). */
  exit?: ScriptStatus;
  /** Set once the run's end has been handled, so late callbacks do nothing. */
  over: boolean;
  /** Stops observing the run's end (it is being stopped, or the supervisor halts). */
  forget(): void;
}

export interface LaunchSpec {
  readonly launch: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly home: string;
  /** Everything but the run tag (launchEnvironment), made once per runner: this is the restart path. */
  readonly environment: Readonly<NodeJS.ProcessEnv>;
  readonly stateDir: string;
  readonly instance: string;
  /** The capture pipe's write end (a descriptor), the script's stdout and stderr. */
  readonly output: number;
  readonly writerPid: number;
  readonly logStart: LogPosition | undefined;
  readonly clock: Clock;
  /** Called with the run id just before the spawn: from then on, processes of the run may exist. */
  readonly onRunId: (runId: string) => void;
}

/**
 * The environment every launch of an instance gets but for its run tag: the supervisor's, the manifest's
 * and the offset's variables over it, less the product's private ones (`unset`) the manifest does not set.
 */
export function launchEnvironment(
  env: Readonly<Record<string, string>>,
  unset: readonly string[],
  home: string,
): NodeJS.ProcessEnv {
  // Every instance gets its own CARBON_HOME: an inherited one would point them all at one home.
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env, CARBON_HOME: home };
  for (const name of unset) if (!(name in env)) delete environment[name];
  return environment;
}

/**
 * Spawns the start script in a process group of its own, its output into the capture pipe, tagged with
 * its run (run-tag.ts). Resolves the run, or the reason the spawn failed.
 *
 * child_process rather than execa, the project's spawn library elsewhere: this is the restart path, and
 * every execa feature (buffering, cleanup, rejecting on failure, stdio streams) would be turned off here;
 * its option handling cost 4-5 ms per launch in the daemon against 1.5 ms for a plain spawn (issue 17).
 */
export async function launchRun(spec: LaunchSpec): Promise<Run | { readonly failed: string }> {
  const runId = newRunId();
  spec.onRunId(runId);
  const environment = {
    ...spec.environment,
    ...runTagEnvironment({ stateDir: spec.stateDir, instance: spec.instance, runId }),
  };
  const child = spawn(spec.script, [...spec.args], {
    cwd: spec.home,
    env: environment,
    detached: true,
    // The pipe's descriptor, handed to the child as its stdout and stderr.
    stdio: ['ignore', spec.output, spec.output],
  });
  const ended = new Promise<ScriptStatus>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    return { failed: `could not start ${spec.script}: ${error.message}` };
  }
  child.on('error', () => {}); // a signal to a process already gone: its end is `ended`
  const stat = readProcStat(pid);
  return {
    runId,
    launch: spec.launch,
    pid,
    pgid: pid,
    startTime: stat?.startTime,
    startedAt: spec.clock.now(),
    writerPid: spec.writerPid,
    logStart: spec.logStart,
    launchedAt: spec.logStart,
    jvm: undefined,
    adopted: false,
    ended,
    over: false,
    forget: () => {},
  };
}

/** How often an adopted run (not our child) is checked for its end. */
const adoptedPollMs = 250;

/**
 * A run an earlier supervisor launched and recorded, verified alive by the caller (pid and start time).
 * Its end is noticed by polling, since it is not our child.
 */
export function adoptRun(saved: InstanceSnapshot, clock: Clock): Run | undefined {
  const { pid, pgid, writerPid, startTime } = saved;
  if (pid === undefined || pgid === undefined || writerPid === undefined) return undefined;
  let cancel = () => {};
  let observing = true;
  const ended = new Promise<ScriptStatus>((resolve) => {
    const poll = () => {
      if (!observing) return;
      void stillAlive(pid, startTime).then((alive) => {
        if (!observing) return;
        if (alive) cancel = clock.after(adoptedPollMs, poll);
        else resolve(undefined);
      });
    };
    poll();
  });
  const jvm =
    saved.jvmPid !== undefined && saved.jvmStartTime !== undefined
      ? { pid: saved.jvmPid, startTime: saved.jvmStartTime }
      : undefined;
  return {
    runId: saved.runId,
    launch: saved.launch,
    pid,
    pgid,
    startTime,
    startedAt: saved.startedAt ?? clock.now(),
    writerPid,
    logStart: undefined,
    launchedAt: undefined,
    jvm,
    adopted: true,
    ended,
    over: false,
    forget: () => {
      observing = false;
      cancel();
    },
  };
}

/** The run's start script is still the very process that was recorded (zombies and recycled pids are not). */
async function stillAlive(pid: number, startTime: number | undefined): Promise<boolean> {
  return startTime !== undefined && isSameProcess(pid, startTime);
}

/** The script's exit, in words for a reason. */
export function describeScriptStatus(status: ScriptStatus): string {
  if (status === undefined) return 'an unknown status (adopted: not our child)';
  return status.signal ? `signal ${status.signal}` : `status ${status.code ?? '?'}`;
}
