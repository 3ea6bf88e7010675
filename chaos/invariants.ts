import type { StatusAnswer } from '../src/daemon/control-protocol.js';
import type { InstanceConfig } from '../src/manifest/instance-config.js';
import { httpStatus } from '../src/process/readiness-probe.js';
import { isReadyAnswer, readinessPlan } from '../src/supervisor/readiness-plan.js';
import type { FaultContext } from './faults.js';
import { isAlive, jvmsByHome, processes, rssMb } from './observe.js';

/** A broken promise: which, about what, and the evidence. */
export interface Violation {
  readonly at: number;
  readonly promise: string;
  readonly evidence: string;
}

/** What the checks keep between passes. */
export interface CheckState {
  readonly configs: ReadonlyMap<string, InstanceConfig>;
  readonly violations: Violation[];
  /** The states `status` showed for each instance: each must be in the supervisor log. */
  readonly observed: Map<string, Set<string>>;
  readonly restarts: Map<string, number>;
  daemonPid: number | undefined;
  peakRssMb: number;
  checks: number;
}

/** Daemon RSS above this is a leak, not a working set (it rests near 65 MB with six instances). */
export const rssBoundMb = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settledMs = 3000;

/** One pass over the promises that must hold at any moment (issue 21); violations are appended. */
export async function checkPromises(context: FaultContext, state: CheckState): Promise<void> {
  const violate = (promise: string, evidence: string) => {
    state.violations.push({ at: Date.now(), promise, evidence });
  };
  const asked = Date.now();
  const status = await context.status();
  const frozen = context.frozen.some((w) => w.from <= Date.now() && w.to + 1000 >= asked);
  if (Date.now() - asked > 15_000 && !frozen) violate('answers', `status took ${Date.now() - asked} ms`);
  if (status === undefined) {
    const pid = state.daemonPid;
    if (pid !== undefined && !isAlive(pid) && !context.killed.has(pid))
      violate('the daemon never dies', `supervisor ${pid} is gone and nobody killed it`);
    return;
  }
  state.checks++;
  state.daemonPid = status.supervisorPid;
  const rss = rssMb(status.supervisorPid);
  state.peakRssMb = Math.max(state.peakRssMb, rss);
  if (rss > rssBoundMb) violate('bounded', `daemon RSS ${rss.toFixed(1)} MB > ${rssBoundMb} MB`);
  for (const [name, instance] of Object.entries(status.instances)) {
    const seen = state.observed.get(name) ?? new Set<string>();
    seen.add(instance.machine.state);
    state.observed.set(name, seen);
    const restarts = instance.machine.restartsTotal ?? 0;
    const before = state.restarts.get(name) ?? 0;
    if (restarts < before) violate('restarts never decrease', `${name}: ${before} then ${restarts}`);
    state.restarts.set(name, restarts);
  }
  await checkJvms(context, state, status, violate);
}

type Violate = (promise: string, evidence: string) => void;

/** No duplicate JVM, none left of a stopped instance, and `running` only with its named JVM ready. */
async function checkJvms(context: FaultContext, state: CheckState, status: StatusAnswer, violate: Violate) {
  const homes = context.fleet.homes;
  const jvms = () => jvmsByHome(processes(), homes.values());
  const first = jvms();
  const suspects = [...homes].filter(([, home]) => (first.get(home)?.length ?? 0) > 1);
  if (suspects.length > 0) {
    await sleep(300);
    const again = jvms();
    for (const [name, home] of suspects) {
      const both = (again.get(home) ?? []).filter((pid) => first.get(home)?.includes(pid));
      if (both.length > 1) violate('no duplicate', `${name}: JVMs ${both.join(', ')} alive at once`);
    }
  }
  const now = Date.now();
  for (const [name, instance] of Object.entries(status.instances)) {
    const home = homes.get(name) as string;
    const quiet = now - (context.touched.get(name) ?? 0) > settledMs;
    const { state: machineState, since = now, readySince = now } = instance.machine;
    if (['stopped', 'failed', 'exited'].includes(machineState) && now - since > settledMs && quiet) {
      const alive = first.get(home) ?? [];
      if (alive.length > 0) {
        await sleep(1000);
        const still = (jvms().get(home) ?? []).filter((pid) => alive.includes(pid));
        const now2 = (await context.status())?.instances[name]?.machine.state;
        if (still.length > 0 && now2 === machineState)
          violate(
            'no JVM of a stopped instance',
            `${name} is ${machineState} but JVM ${still.join(', ')} lives`,
          );
      }
    }
    if (machineState === 'running' && now - readySince > settledMs && quiet) {
      const problem = await runningProblem(
        state,
        name,
        instance.offset,
        instance.jvmPid,
        first.get(home) ?? [],
      );
      if (problem === undefined) continue;
      await sleep(1500);
      const later = (await context.status())?.instances[name];
      if (later?.machine.state !== 'running' || later.jvmPid !== instance.jvmPid) continue;
      const again = await runningProblem(state, name, later.offset, later.jvmPid, jvms().get(home) ?? []);
      if (again !== undefined) violate('honest state', `${name} is running, but ${again}`);
    }
  }
}

async function runningProblem(
  state: CheckState,
  name: string,
  offset: number | undefined,
  jvmPid: number | undefined,
  alive: readonly number[],
): Promise<string | undefined> {
  if (jvmPid === undefined || !alive.includes(jvmPid))
    return `its JVM ${jvmPid ?? '(none named)'} is not alive (alive: ${alive.join(', ') || 'none'})`;
  const config = state.configs.get(name);
  if (config === undefined || offset === undefined) return undefined;
  const plan = readinessPlan(config, offset);
  if (plan.url === undefined) return undefined;
  const answer = await httpStatus(plan.url, 3000);
  return isReadyAnswer(answer, plan) ? undefined : `${plan.url} answers ${answer.status ?? answer.error}`;
}
