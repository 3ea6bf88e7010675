import { rmSync } from 'node:fs';
import { supervisorStatus } from '../src/daemon/control-client.js';
import { loadManifest } from '../src/manifest/load.js';
import { checkNothingLeft, checkOutput, checkSupervisorLog, logFolderBytes } from './end-checks.js';
import { type FaultContext, inject } from './faults.js';
import { chaosFleet, logRetention } from './fleet.js';
import { type CheckState, checkPromises, type Violation } from './invariants.js';
import { cpuSeconds, isAlive } from './observe.js';
import { drawSchedule, type FaultKind } from './schedule.js';

export interface ChaosOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly instances: number;
  /** The offsets the fleet may use (a test gives ones reserved for it). */
  readonly offsets?: { readonly min: number; readonly max: number };
  /** Progress lines (the schedule as it fires). */
  readonly say?: (line: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly seconds: number;
  readonly instances: number;
  readonly faults: Partial<Record<FaultKind, number>>;
  readonly checks: number;
  readonly linesChecked: number;
  readonly requests: number;
  readonly slowestRequestMs: number;
  readonly peakRssMb: number;
  readonly daemonCpuPercent: number;
  readonly violations: readonly Violation[];
  /** What fired, in order, with the time from the start: printed with any violation, to replay it. */
  readonly schedule: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longest a request may take: a start waits for readiness (60 s at most here), a stop 10 s, plus slack. */
const requestBoundMs = 100_000;

/**
 * The chaos run (issue 21): a fleet under `up -d`, a seeded schedule of faults fired at their moments,
 * the promises checked about once a second between them, and once more after `down`.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.say ?? (() => {});
  const fleet = await chaosFleet(options.instances, options.offsets ?? { min: 20_000, max: 20_400 });
  const manifest = await loadManifest(fleet.manifestFile);
  const violations: Violation[] = [];
  const violate = (promise: string, evidence: string) =>
    violations.push({ at: Date.now(), promise, evidence });
  const context: FaultContext = {
    fleet,
    status: () => supervisorStatus(fleet.stateDir).catch(() => undefined),
    frozen: [],
    failing: new Map(),
    touched: new Map(),
    killed: new Set(),
    inFlight: new Set(),
    requests: [],
    counts: new Map(),
  };
  const state: CheckState = {
    configs: new Map(manifest.instances.map((i) => [i.name, i])),
    violations,
    observed: new Map(),
    restarts: new Map(),
    daemonPid: undefined,
    peakRssMb: 0,
    checks: 0,
  };
  const schedule: string[] = [];
  const began = Date.now();
  const cpu = new Map<number, number>();
  const sampleCpu = () => {
    if (state.daemonPid !== undefined && isAlive(state.daemonPid))
      cpu.set(state.daemonPid, cpuSeconds(state.daemonPid));
  };

  const up = await fleet.cli(['up', '-d', '--wait-timeout', '120'], 180_000);
  say(`up -d: exit ${up.exitCode} in ${up.ms} ms`);
  if (up.exitCode !== 0) violate('the fleet comes up', up.output.slice(-2000));
  const offsets = new Map(
    Object.entries((await context.status())?.instances ?? {}).map(([n, i]) => [n, i.offset]),
  );

  let running = true;
  const checker = (async () => {
    while (running) {
      await checkPromises(context, state).catch((error: unknown) => violate('checks run', String(error)));
      sampleCpu();
      const bytes = logFolderBytes(fleet);
      const bound =
        fleet.members.length * logRetention.maxBytes * (logRetention.files + 1) + 50 * 1024 * 1024;
      if (bytes > bound) violate('bounded', `log folder ${bytes} bytes > ${bound}`);
      await sleep(1000);
    }
  })();
  const start = Date.now();
  for (const fault of drawSchedule(options.seed, options.seconds, options.instances)) {
    await sleep(start + fault.at - Date.now());
    const what = await inject(fault, context).catch(
      (error: unknown) => `${fault.kind} failed: ${String(error)}`,
    );
    context.counts.set(fault.kind, (context.counts.get(fault.kind) ?? 0) + 1);
    const line = `${((Date.now() - start) / 1000).toFixed(1)}s (${new Date().toISOString()}) ${fault.kind}: ${what}`;
    schedule.push(line);
    say(line);
    if (violations.length > 0) break;
  }
  await Promise.race([Promise.all([...context.inFlight]), sleep(requestBoundMs)]);
  running = false;
  await checker;
  for (const { what, run } of context.requests) {
    if (run.ms > requestBoundMs || run.exitCode === -1)
      violate('every request answered', `${what}: ${run.ms} ms, exit ${run.exitCode}`);
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.output))
      violate('no stack trace', `${what}: ${run.output.slice(0, 1000)}`);
  }
  for (const [name, instance] of Object.entries((await context.status())?.instances ?? {}))
    if (instance.offset !== undefined) offsets.set(name, instance.offset);
  sampleCpu();

  const down = await fleet.cli(['down'], 180_000);
  say(`down: exit ${down.exitCode} in ${down.ms} ms`);
  if (down.exitCode !== 0) violate('down stops everything', down.output.slice(-2000));
  await checkNothingLeft(fleet, offsets, violate);
  const linesChecked = checkOutput(fleet, context.failing, violate);
  checkSupervisorLog(fleet, state, violate);
  const wallSeconds = (Date.now() - began) / 1000;
  // The folder is the evidence of a violation (state.json, every log): kept then, removed otherwise.
  if (violations.length === 0) rmSync(fleet.root, { recursive: true, force: true });
  else say(`evidence kept in ${fleet.root}`);
  return {
    seed: options.seed,
    seconds: options.seconds,
    instances: options.instances,
    faults: Object.fromEntries(context.counts),
    checks: state.checks,
    linesChecked,
    requests: context.requests.length,
    slowestRequestMs: Math.max(0, ...context.requests.map((r) => r.run.ms)),
    peakRssMb: Math.round(state.peakRssMb * 10) / 10,
    daemonCpuPercent: Math.round(([...cpu.values()].reduce((a, b) => a + b, 0) / wallSeconds) * 1000) / 10,
    violations,
    schedule,
  };
}
