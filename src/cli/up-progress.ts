import { supervisorStatus } from '../daemon/control-client.js';
import type { StatusAnswer } from '../daemon/control-protocol.js';
import { exitCodes } from '../errors.js';
import type { Manifest } from '../manifest/instance-config.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import { describeMachine, waitKey } from '../supervisor/wait.js';
import { printJson, printText } from './print.js';

/** Where a start ends: running, or given up on. `waiting`, `starting` and `backoff` are on their way. */
const settledStates = new Set(['running', 'failed', 'exited', 'stopped']);

/**
 * `up -d`'s progress: a line per instance each time its state or what it waits for changes, until every
 * autostart instance has settled. No fleet-wide deadline: each instance's own startTimeoutSeconds and
 * restart policy bound its start, counted from its own launch, so a long dependency chain is followed to
 * its end; `timeoutMs` (--wait-timeout) bounds the whole wait when the user wants one. Exit 0 only when
 * every autostart instance runs.
 */
export async function followStartUp(
  manifest: Manifest,
  supervisorPid: number,
  options: {
    wait: boolean;
    json: boolean;
    timeoutMs?: number;
    /**
     * Instances asked to start at `at` (an `up -d` again): not settled until they have left the state they
     * were in, unless the request was refused.
     */
    started?: { readonly names: readonly string[]; readonly at: number; readonly refused: () => boolean };
  },
): Promise<number> {
  const { stateDir } = manifest;
  const moved = (i: InstanceSnapshot) =>
    !options.started?.names.includes(i.name) ||
    options.started.refused() ||
    (i.machine.since ?? 0) >= options.started.at;
  if (!options.wait) {
    if (options.json) printJson({ ok: true, supervisorPid, stateDir });
    else printText(`Supervisor running (pid ${supervisorPid}), state folder ${stateDir}.`);
    return exitCodes.ok;
  }
  const autostart = manifest.instances.filter((i) => i.autostart).map((i) => i.name);
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const shown = new Map<string, string>();
  for (let changes: number | undefined; ; ) {
    // Each answer comes when the fleet has changed since the last one: no poll, no lag behind it.
    const status = await supervisorStatus(stateDir, changes);
    if (status === undefined) {
      printText(`The supervisor (pid ${supervisorPid}) is gone; see ${stateDir}/logs/daemon.out.`);
      return exitCodes.operationFailed;
    }
    const instances = autostart.map((name) => status.instances[name]);
    for (const instance of instances) {
      if (instance === undefined || options.json) continue;
      const key = `${instance.machine.state}|${waitKey(instance.machine.wait)}`;
      if (shown.get(instance.name) !== key) printText(`${instance.name}: ${progressLine(instance)}`);
      shown.set(instance.name, key);
    }
    const settled = instances.every((i) => i !== undefined && moved(i) && settledStates.has(i.machine.state));
    const timedOut = Date.now() >= deadline;
    if (settled || timedOut) return summarise(status, instances, timedOut, options);
    changes = status.changes;
    // A supervisor of an earlier version counts no changes: it is polled.
    if (changes === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function progressLine(instance: InstanceSnapshot): string {
  const { machine } = instance;
  return `${machine.state} (${describeMachine(machine, Date.now(), instance.health)})`;
}

function summarise(
  status: StatusAnswer,
  instances: readonly (InstanceSnapshot | undefined)[],
  timedOut: boolean,
  options: { json: boolean; timeoutMs?: number },
): number {
  const ok = instances.every((i) => i?.machine.state === 'running');
  const pending = instances.filter((i) => i && !settledStates.has(i.machine.state)) as InstanceSnapshot[];
  if (options.json) {
    printJson({
      ok,
      timedOut,
      supervisorPid: status.supervisorPid,
      stateDir: status.stateDir,
      instances: status.instances,
    });
  } else if (ok) {
    printText(`All ${instances.length} instances running (supervisor pid ${status.supervisorPid}).`);
  } else if (timedOut) {
    const still = pending.map((i) => `  ${i.name}: ${progressLine(i)}`).join('\n');
    printText(
      `Gave up waiting after --wait-timeout ${(options.timeoutMs ?? 0) / 1000}s; the supervisor carries on with:\n${still}\nFollow it with: wso2-supervisor status`,
    );
  } else {
    printText('Not every instance is running: see wso2-supervisor status.');
  }
  return ok ? exitCodes.ok : exitCodes.operationFailed;
}
