import path from 'node:path';
import pidusage from 'pidusage';
import { controlRequest, NoSupervisorError } from '../../daemon/control-client.js';
import { exitCodes, UsageError } from '../../errors.js';
import { stateDirOf } from '../../manifest/state-dir.js';
import { groupMembers, isSameProcess } from '../../process/proc-stat.js';
import { portSet, productOf } from '../../products/catalog.js';
import type { ProductId } from '../../products/product.js';
import { readStateDocument } from '../../state/state-file.js';
import type { InstanceSnapshot } from '../../supervisor/instance-runner.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';
import { renderTable } from '../table.js';

/**
 * `status [NAME]`: what the supervisor's state.json says of each instance, with the live CPU and memory of
 * its process tree. Without a running supervisor it still shows what the file knows, marked as not
 * supervised, and exits 4 (contract).
 */
export async function run(context: CommandContext, name?: string): Promise<number> {
  const stateDir = await stateDirOf(context.manifestFile, context.stateDir);
  const state = await readStateDocument(stateDir);
  const supervisorPid = await runningSupervisor(stateDir);
  const all = Object.values(state?.instances ?? {});
  if (name !== undefined && !all.some((i) => i.name === name)) {
    const known = all.map((i) => i.name).join(', ') || 'none yet';
    throw new UsageError(
      `no instance named "${name}" in ${path.join(stateDir, 'state.json')}; known: ${known}.`,
    );
  }
  const instances = await Promise.all(all.filter((i) => name === undefined || i.name === name).map(describe));
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
    i.alive || i.state === 'stopped' || i.state === 'failed' || i.state === 'exited'
      ? i.state
      : `${i.state} (gone)`,
    String(i.offset),
    i.pid === null ? '-' : String(i.pid),
    i.uptimeSeconds === null ? '-' : formatDuration(i.uptimeSeconds),
    String(i.restarts),
    i.cpuPercent === null ? '-' : `${i.cpuPercent.toFixed(1)}%`,
    i.memoryBytes === null ? '-' : `${Math.round(i.memoryBytes / 1024 / 1024)} MB`,
    i.health,
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
      'CPU(avg)',
      'MEM',
      'HEALTH',
      'LAST-EXIT',
    ],
    rows,
  );
  const urls = instances.filter((i) => i.urls.length > 0).map((i) => `  ${i.name}: ${i.urls.join('  ')}`);
  printText([header, '', table, ...(urls.length ? ['', 'URLs:', ...urls] : [])].join('\n'));
  return exitCode;
}

async function describe(snapshot: InstanceSnapshot) {
  const { machine } = snapshot;
  const pid = snapshot.jvmPid ?? snapshot.pid;
  const alive =
    snapshot.pid !== undefined &&
    snapshot.startTime !== undefined &&
    ((await isSameProcess(snapshot.pid, snapshot.startTime)) ||
      (snapshot.jvmPid !== undefined &&
        snapshot.jvmStartTime !== undefined &&
        (await isSameProcess(snapshot.jvmPid, snapshot.jvmStartTime))));
  const usage = alive && snapshot.pgid !== undefined ? await treeUsage(snapshot.pgid) : undefined;
  const since = machine.state === 'running' ? machine.readySince : snapshot.startedAt;
  const last = machine.lastExit;
  return {
    name: snapshot.name,
    product: snapshot.product,
    state: machine.state,
    detail: machine.detail ?? null,
    alive,
    offset: snapshot.offset,
    pid: alive ? (pid ?? null) : null,
    uptimeSeconds: alive && since !== undefined ? Math.round((Date.now() - since) / 1000) : null,
    restarts: machine.restarts.length,
    cpuPercent: usage?.cpuPercent ?? null,
    memoryBytes: usage?.memoryBytes ?? null,
    health:
      snapshot.health === undefined
        ? '-'
        : snapshot.health.ok
          ? 'ok'
          : `failing: ${snapshot.health.error ?? ''}`,
    lastExit:
      last === undefined
        ? '-'
        : `${last.kind} ${new Date(last.at).toISOString().slice(11, 19)}: ${last.reason}`,
    urls: keyUrls(snapshot.product as ProductId, snapshot.offset),
  };
}

/** CPU (average since each process started) and resident memory of every process of the instance's group. */
async function treeUsage(pgid: number): Promise<{ cpuPercent: number; memoryBytes: number } | undefined> {
  const pids = groupMembers(pgid).map((p) => p.pid);
  if (pids.length === 0) return undefined;
  const stats = await pidusage(pids).catch(() => ({}) as Record<string, pidusage.Status>);
  let cpuPercent = 0;
  let memoryBytes = 0;
  for (const stat of Object.values(stats)) {
    if (stat.elapsed > 0) cpuPercent += (stat.ctime / stat.elapsed) * 100;
    memoryBytes += stat.memory;
  }
  return { cpuPercent, memoryBytes };
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

/** The pid of the supervisor answering on this state folder's control socket, if one does. */
async function runningSupervisor(stateDir: string): Promise<number | undefined> {
  try {
    return ((await controlRequest(stateDir, 'GET', '/v1/status')) as { supervisorPid: number }).supervisorPid;
  } catch (error) {
    if (error instanceof NoSupervisorError) return undefined;
    throw error;
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
