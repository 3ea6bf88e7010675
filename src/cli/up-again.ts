import { controlInstances, reloadManifest, supervisorStatus } from '../daemon/control-client.js';
import type { ReloadAnswer, StatusAnswer } from '../daemon/control-protocol.js';
import type { Manifest } from '../manifest/instance-config.js';
import { printText } from './print.js';
import { followStartUp } from './up-progress.js';

/** Where an autostart instance is not on its way up: `up -d` starts it again. */
const idleStates = new Set(['stopped', 'exited', 'failed']);

/**
 * `up -d` while a supervisor already runs on the state folder, as `docker compose up -d` does: the
 * manifest is applied (a reload: what the JVM sees changed restarts, other settings apply in place), every
 * autostart instance that is not running or on its way is started, and the start-up is followed as on a
 * first `up -d`. Exit 0 when every autostart instance runs.
 */
export async function upAgain(
  manifest: Manifest,
  running: StatusAnswer,
  options: { wait: boolean; json: boolean; timeoutMs?: number },
): Promise<number> {
  const { stateDir } = manifest;
  const summary = await reloadManifest(stateDir);
  if (!options.json)
    printText(
      `Supervisor already running (pid ${running.supervisorPid}); manifest applied: ${describe(summary)}.`,
    );
  const status = (await supervisorStatus(stateDir)) ?? running;
  const idle = manifest.instances
    .filter((i) => i.autostart && idleStates.has(status.instances[i.name]?.machine.state ?? 'stopped'))
    .map((i) => i.name);
  const at = Date.now();
  // Not awaited here: it answers once they have settled, and the progress is followed meanwhile.
  let refusal: unknown;
  let refused = false;
  const start = idle.length > 0 ? controlInstances(stateDir, 'start', { names: idle }) : undefined;
  const answered = start?.catch((error: unknown) => {
    refusal = error;
    refused = true;
  });
  const code = await followStartUp(manifest, running.supervisorPid, {
    ...options,
    started: { names: idle, at, refused: () => refused },
  });
  if (refused) throw refusal;
  // With --no-wait, the command ends once the supervisor has taken the request (each instance has left
  // its idle state), not once they have settled; otherwise the answer comes at once after a full follow.
  if (options.wait) await answered;
  else await taken(stateDir, idle, at, () => refused);
  if (refused) throw refusal;
  return code;
}

/** Resolves once every named instance has changed state since `at` (or the request was refused); 10 s at most. */
async function taken(stateDir: string, names: readonly string[], at: number, refused: () => boolean) {
  for (const deadline = Date.now() + 10_000; names.length > 0 && !refused() && Date.now() < deadline; ) {
    const status = await supervisorStatus(stateDir);
    if (names.every((name) => (status?.instances[name]?.machine.since ?? 0) >= at)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function describe(summary: ReloadAnswer): string {
  const parts = [
    ['added', summary.added],
    ['removed', summary.removed],
    ['restarted', summary.changed],
    ['settings applied without a restart', summary.retuned],
  ] as const;
  const said = parts
    .filter(([, names]) => names.length > 0)
    .map(([what, names]) => `${what} ${names.join(', ')}`);
  return said.length > 0 ? said.join('; ') : 'no change';
}
