import path from 'node:path';
import { supervisorStatus } from '../../daemon/control-client.js';
import { exitCodes, UsageError } from '../../errors.js';
import { isSameProcess } from '../../process/proc-stat.js';
import type { Usage } from '../../process/tree-usage.js';
import { portSet, productOf } from '../../products/catalog.js';
import type { ProductId } from '../../products/product.js';
import type { InstanceSnapshot } from '../../state/instance-record.js';
import { describeMachine } from '../../supervisor/wait.js';
import type { CommandContext } from '../context.js';
import { formatDuration, localTime } from '../local-time.js';
import { printJson, printText } from '../print.js';
import { stateFolder } from '../state-folder.js';
import { renderTable } from '../table.js';

/**
 * `status [NAME]`: what the supervisor's state.json says of each instance, with the live CPU and memory of
 * its process tree. Without a running supervisor it still shows what the file knows, marked as not
 * supervised, and exits 4 (contract).
 */
export async function run(context: CommandContext, name?: string): Promise<number> {
  const stateDir = await stateFolder(context);
  // A running supervisor answers with live snapshots and usage; without one, state.json tells the last known.
  const live = await supervisorStatus(stateDir);
  // Loaded only here: the state file's schemas are ~10 ms to build, and a running supervisor needs none.
  const state = live ?? (await (await import('../../state/state-file.js')).readStateDocument(stateDir));
  const supervisorPid = live?.supervisorPid;
  const usage = live?.usage ?? (await usageOfUnsupervised(Object.values(state?.instances ?? {})));
  const all = Object.values(state?.instances ?? {});
  if (name !== undefined && !all.some((i) => i.name === name)) {
    const known = all.map((i) => i.name).join(', ') || 'none yet';
    throw new UsageError(
      `no instance named "${name}" in ${path.join(stateDir, 'state.json')}; known: ${known}.`,
    );
  }
  const instances = await Promise.all(
    all
      .filter((i) => name === undefined || i.name === name)
      .map((i) => describe(i, usage[i.name], live !== undefined)),
  );
  const exitCode = supervisorPid === undefined ? exitCodes.noSupervisor : exitCodes.ok;
  if (context.json) {
    printJson({
      supervised: supervisorPid !== undefined,
      supervisorPid: supervisorPid ?? null,
      stateDir,
      instances,
    });
    return exitCode;
  }
  if (state === undefined) {
    printText(`Nothing has run from ${stateDir} yet. Start the instances with: wso2-supervisor up`);
    return exitCode;
  }
  const header =
    supervisorPid === undefined
      ? `NOT SUPERVISED: no supervisor runs for ${stateDir}; the states below are the last ones it recorded.`
      : `Supervisor pid ${supervisorPid}, state folder ${stateDir}`;
  const rows = instances.map((i) => [
    i.name,
    i.product,
    // `(gone)`: a recorded run whose processes are dead, with no supervisor to say what became of them.
    supervisorPid !== undefined ||
    i.alive ||
    i.state === 'stopped' ||
    i.state === 'failed' ||
    i.state === 'exited'
      ? i.state
      : `${i.state} (gone)`,
    String(i.offset),
    i.pid === null ? '-' : String(i.pid),
    i.uptimeSeconds === null ? '-' : formatDuration(i.uptimeSeconds),
    String(i.restarts),
    i.cpuPercent === null ? '-' : `${i.cpuPercent.toFixed(1)}%`,
    i.memoryBytes === null ? '-' : `${Math.round(i.memoryBytes / 1024 / 1024)} MB`,
    i.health,
    i.detail ?? '-',
    i.lastExit,
  ]);
  const table = renderTable(
    [
      'NAME',
      'PRODUCT',
      'STATE',
      'OFFSET',
      'PID',
      'UPTIME',
      'RESTARTS',
      'CPU',
      'MEM',
      'HEALTH',
      'DETAIL',
      'LAST-EXIT',
    ],
    rows,
  );
  const urls = instances
    .filter((i) => i.state === 'running' && i.alive && i.urls.length > 0)
    .map((i) => `  ${i.name}: ${i.urls.join('  ')}`);
  const captures = instances.flatMap((i) => [
    ...(i.capture ? [describeCapture(i.name, i.capture)] : []),
    ...(i.writerReplaced ? [describeReplacedWriter(i.name, i.writerReplaced)] : []),
  ]);
  printText(
    [
      header,
      '',
      table,
      ...(captures.length ? ['', 'Output capture:', ...captures] : []),
      ...(urls.length ? ['', 'URLs:', ...urls] : []),
    ].join('\n'),
  );
  return exitCode;
}

async function describe(snapshot: InstanceSnapshot, usage: Usage | undefined, supervised: boolean) {
  const { machine } = snapshot;
  // The JVM is what a user looks for (jstack, top); the start script's pid until the JVM is known.
  const pid = snapshot.jvmPid ?? snapshot.pid;
  // A supervisor's own snapshot is authoritative; a recorded one is checked against /proc (pid and start time).
  const alive = supervised
    ? snapshot.pid !== undefined
    : snapshot.pid !== undefined &&
      snapshot.startTime !== undefined &&
      ((await isSameProcess(snapshot.pid, snapshot.startTime)) ||
        (snapshot.jvmPid !== undefined &&
          snapshot.jvmStartTime !== undefined &&
          (await isSameProcess(snapshot.jvmPid, snapshot.jvmStartTime))));
  // Uptime is the current run's, from its launch, in every state (readiness is in DETAIL).
  const since = snapshot.startedAt;
  const last = machine.lastExit;
  return {
    name: snapshot.name,
    product: snapshot.product,
    state: machine.state,
    // Made afresh from the facts: a recorded sentence's "40 s ago" would be stale.
    detail: describeMachine(machine, Date.now(), snapshot.health),
    alive,
    offset: snapshot.offset,
    pid: alive ? (pid ?? null) : null,
    scriptPid: alive ? (snapshot.pid ?? null) : null,
    jvmPid: alive ? (snapshot.jvmPid ?? null) : null,
    uptimeSeconds: alive && since !== undefined ? Math.round((Date.now() - since) / 1000) : null,
    restarts: machine.restartsTotal ?? machine.restarts.length,
    wait: machine.wait ?? null,
    // Only for a verified live run: a recorded group id may have been reused by strangers.
    cpuPercent: alive ? (usage?.cpuPercent ?? null) : null,
    memoryBytes: alive ? (usage?.memoryBytes ?? null) : null,
    health:
      snapshot.health === undefined
        ? '-'
        : snapshot.health.ok
          ? 'ok'
          : `failing: ${snapshot.health.error ?? ''}`,
    lastExit: last === undefined ? '-' : `${last.kind} ${localTime(last.at)}: ${last.reason}`,
    urls: keyUrls(snapshot.product as ProductId, snapshot.offset),
    capture: snapshot.capture ?? null,
    writerReplaced: snapshot.writerReplaced ?? null,
  };
}

/** A sentence on log writers that died and were replaced (the pipe was held meanwhile). */
function describeReplacedWriter(
  name: string,
  replaced: NonNullable<InstanceSnapshot['writerReplaced']>,
): string {
  const times = replaced.count === 1 ? 'once' : `${replaced.count} times`;
  return (
    `  ${name}: the log writer died and was replaced ${times}, last at ${localTime(replaced.at)} ` +
    `(the pipe went unread for ${replaced.gapMs} ms; only what the dead writer had read but not yet written, at most 64 KiB, can be missing).`
  );
}

/** A sentence on an instance's output capture when it fails or has lost output (capture-status.ts). */
function describeCapture(name: string, capture: NonNullable<InstanceSnapshot['capture']>): string {
  const lost = `${formatBytes(capture.droppedBytes)} of output lost`;
  if (capture.state === 'failing')
    return (
      `  ${name}: FAILING since ${localTime(Date.parse(capture.since))}: ${capture.error ?? 'unknown error'}; ` +
      `${lost} so far. The instance runs on; capture resumes by itself once the log can be written.`
    );
  return `  ${name}: ${lost} while the log could not be written (see the [wso2-supervisor] line in its log).`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Instances left running without a supervisor (it was killed): their usage, sampled here once. */
async function usageOfUnsupervised(instances: readonly InstanceSnapshot[]): Promise<Record<string, Usage>> {
  const pgids = instances.flatMap((i) => (i.pgid === undefined ? [] : [i.pgid]));
  if (pgids.length === 0) return {};
  const { treeUsage } = await import('../../process/tree-usage.js');
  const byGroup = await treeUsage(pgids);
  return Object.fromEntries(
    instances.flatMap((i) => {
      const found = i.pgid === undefined ? undefined : byGroup.get(i.pgid);
      return found ? [[i.name, found]] : [];
    }),
  );
}

/** The URLs a user opens first: API-M's Publisher and Developer Portal, MI's management API. */
function keyUrls(product: ProductId, offset: number): string[] {
  const ports = portSet(productOf(product), offset);
  const at = (name: string, paths: string[]) => {
    const port = ports.find((p) => p.name === name);
    return port ? paths.map((p) => `${port.scheme}://localhost:${port.port}${p}`) : [];
  };
  return product === 'apim'
    ? at('https-servlet', ['/publisher', '/devportal'])
    : at('management', ['/management']);
}
