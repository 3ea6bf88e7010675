import { existsSync, mkdirSync, renameSync, rmdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { StatusAnswer } from '../src/daemon/control-protocol.js';
import { portSet, productOf } from '../src/products/catalog.js';
import type { ChaosFleet, CliRun } from './fleet.js';
import type { Window } from './output-check.js';
import type { Fault } from './schedule.js';

/** What the faults share with the run: the fleet, its last status, and the record the checks read. */
export interface FaultContext {
  readonly fleet: ChaosFleet;
  status(): Promise<StatusAnswer | undefined>;
  /** Windows when the daemon was frozen (no answer expected) and when an instance's capture was failing. */
  readonly frozen: Window[];
  readonly failing: Map<string, Window[]>;
  /** When each instance last had a fault aimed at it: its state may lag that long. */
  readonly touched: Map<string, number>;
  /** Daemons this run killed on purpose. */
  readonly killed: Set<number>;
  /** Requests in flight (control verbs and reloads from several clients at once), and the finished ones. */
  readonly inFlight: Set<Promise<void>>;
  readonly requests: { readonly what: string; readonly run: CliRun }[];
  /** How many of each kind fired, and how many found nothing to act on. */
  readonly counts: Map<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fires one fault; resolves a sentence saying what it did (or why it found nothing to act on). */
export async function inject(fault: Fault, context: FaultContext): Promise<string> {
  const { fleet } = context;
  const member = fleet.members[fault.target % fleet.members.length];
  if (member === undefined) return 'no instance';
  const name = member.name;
  context.touched.set(name, Date.now());
  const status = await context.status();
  const instance = status?.instances[name];
  const signal = (pid: number | undefined, what: NodeJS.Signals, label: string) => {
    if (pid === undefined) return `${label}: none alive`;
    try {
      process.kill(pid, what);
      return `${label} ${pid} of ${name}: ${what}`;
    } catch {
      return `${label} ${pid} of ${name}: already gone`;
    }
  };
  switch (fault.kind) {
    case 'kill-jvm':
      return signal(instance?.jvmPid, 'SIGKILL', 'JVM');
    case 'kill-script':
      return signal(instance?.pid, 'SIGKILL', 'start script');
    case 'kill-writer': {
      // A writer killed between reading a chunk from a pipe and writing it loses that chunk (any reader
      // process does; the pipe itself keeps the rest): the lines around the kill are excused, no more, for
      // every instance that writer reads (one writer serves all of a supervisor's instances).
      const writer = instance?.writerPid;
      const served = Object.values(status?.instances ?? {}).filter((i) => i.writerPid === writer);
      for (const { name: reader } of served) {
        const windows = context.failing.get(reader) ?? [];
        windows.push({ from: Date.now() - 200, to: Date.now() + 200 });
        context.failing.set(reader, windows);
      }
      return signal(writer, 'SIGKILL', 'log writer');
    }
    case 'carbon-restart':
      return instance?.machine.state === 'running'
        ? signal(instance.jvmPid, 'SIGUSR2', 'JVM (restart request, exit 121)')
        : `carbon-restart: ${name} is ${instance?.machine.state ?? 'unknown'}`;
    case 'kill-daemon': {
      if (status === undefined) return 'kill-daemon: no supervisor answers';
      context.killed.add(status.supervisorPid);
      process.kill(status.supervisorPid, 'SIGKILL');
      await sleep(fault.durationMs / 4);
      const up = await fleet.cli(['up', '-d', '--wait-timeout', '30']);
      context.requests.push({ what: 'up -d after kill -9', run: up });
      return `daemon ${status.supervisorPid}: SIGKILL, then up -d (exit ${up.exitCode}, ${up.ms} ms)`;
    }
    case 'freeze-daemon': {
      if (status === undefined) return 'freeze-daemon: no supervisor answers';
      const window = { from: Date.now(), to: Date.now() + fault.durationMs };
      context.frozen.push(window);
      process.kill(status.supervisorPid, 'SIGSTOP');
      await sleep(fault.durationMs);
      process.kill(status.supervisorPid, 'SIGCONT');
      return `daemon ${status.supervisorPid}: SIGSTOP for ${fault.durationMs} ms`;
    }
    case 'port-thief':
      return thief(fault, member.product, instance?.offset, name);
    case 'unwritable-log':
      return breakLog(fault, context, name);
    case 'crash-before-ready':
      return editAndReload(context, fault, name, 'crash-before-ready');
    case 'reload':
      return editAndReload(context, fault, name, fault.variant === 'env' ? 'env' : 'retune');
    case 'control': {
      const request = fleet.cli([fault.variant, name]).then((run) => {
        context.requests.push({ what: `${fault.variant} ${name}`, run });
      });
      track(context, request);
      return `${fault.variant} ${name} (in flight)`;
    }
  }
}

function track(context: FaultContext, request: Promise<void>): void {
  context.inFlight.add(request);
  void request.finally(() => context.inFlight.delete(request));
}

/** A foreign listener on one of the instance's planned ports, for a while (only if the port is free now). */
async function thief(
  fault: Fault,
  product: Parameters<typeof productOf>[0],
  offset: number | undefined,
  name: string,
) {
  if (offset === undefined) return `port-thief: ${name} has no offset yet`;
  const ports = portSet(productOf(product), offset);
  const port = ports[fault.portIndex % ports.length]?.port as number;
  const server = createServer((socket) => socket.destroy());
  const took = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => resolve(true));
  });
  if (!took) return `port-thief: port ${port} of ${name} is held (by the instance, most likely)`;
  setTimeout(() => server.close(), fault.durationMs);
  return `port-thief: took port ${port} of ${name} for ${fault.durationMs} ms`;
}

/** The instance's log file replaced by a folder for a while: its writer can write nothing, then resumes. */
async function breakLog(fault: Fault, context: FaultContext, name: string): Promise<string> {
  const log = path.join(context.fleet.stateDir, 'logs', `${name}.log`);
  const moved = `${log}.chaos-${Date.now()}`;
  const from = Date.now();
  if (existsSync(log)) renameSync(log, moved);
  try {
    mkdirSync(log);
  } catch {
    return `unwritable-log: ${name}'s log could not be replaced`;
  }
  await sleep(fault.durationMs);
  rmdirSync(log);
  const windows = context.failing.get(name) ?? [];
  // The writer notices the file is back on its next write, at most a second later.
  windows.push({ from, to: Date.now() + 1000 });
  context.failing.set(name, windows);
  return `unwritable-log: ${name}'s log was a folder for ${fault.durationMs} ms`;
}

/**
 * A manifest edit and a `reload`, racing whatever else is in flight: `env` changes what the JVM sees (a
 * restart), `retune` only the restart policy (no restart), `crash-before-ready` makes every JVM of the
 * instance die 150 ms after it starts until the edit is taken back after the fault's duration.
 */
async function editAndReload(
  context: FaultContext,
  fault: Fault,
  name: string,
  edit: string,
): Promise<string> {
  const { fleet } = context;
  const member = fleet.members.find((m) => m.name === name);
  if (member === undefined) return 'no instance';
  const reload = async (what: string) => {
    fleet.writeManifest();
    const run = await fleet.cli(['reload', '--json']);
    context.requests.push({ what: `reload (${what})`, run });
  };
  if (edit === 'env') member.env.CHAOS_EDIT = String(Date.now());
  else if (edit === 'retune') member.restart.maxRestarts = member.restart.maxRestarts === 50 ? 60 : 50;
  else member.env.WSO2_SIM_CRASH_AFTER_MS = '150';
  const request = reload(`${edit} ${name}`).then(async () => {
    if (edit !== 'crash-before-ready') return;
    await sleep(fault.durationMs);
    delete member.env.WSO2_SIM_CRASH_AFTER_MS;
    await reload(`crash-before-ready ${name} taken back`);
  });
  track(context, request);
  return `reload: ${edit} ${name} (in flight)`;
}
