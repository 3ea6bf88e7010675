import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlInstances, reloadManifest, requestDown } from '../../src/daemon/control-client.js';
import { serve } from '../../src/daemon/serve.js';
import { loadManifest } from '../../src/manifest/load.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitForStatus } from '../helpers/daemon-status.js';

/** Issue 18: a reload restarts a JVM only when something the JVM sees changed. */
describe('reload', () => {
  const t = useDaemonFolder('reload');

  it('applies a new restart policy to the running JVM without a restart, and restarts one whose environment changed', async () => {
    await simMiFleetIn(t, 'reload', [
      { name: 'tuned', restart: { policy: 'on-failure' } },
      { name: 'edited', env: { DEMO_SETTING: 'one' } },
    ]);
    const file = path.join(t.root, 'instances.json');
    const manifest = await loadManifest(file);
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    try {
      const { stateDir } = manifest;
      const first = await waitForStatus(stateDir, (s) =>
        Object.values(s.instances).every((i) => i.machine.state === 'running'),
      );
      // A crash first, so that the restarted instance has a restart to carry over.
      process.kill(first.instances.edited?.jvmPid as number, 'SIGKILL');
      const before = await waitForStatus(
        stateDir,
        (s) =>
          s.instances.edited?.machine.state === 'running' && s.instances.edited.machine.restartsTotal === 1,
      );
      const edited = JSON.parse(await readFile(file, 'utf8'));
      edited.instances[0].restart = { policy: 'never' };
      edited.instances[0].startTimeoutSeconds = 90;
      edited.instances[1].env.DEMO_SETTING = 'two';
      await writeFile(file, JSON.stringify(edited));
      expect(await reloadManifest(stateDir)).toMatchObject({
        changed: ['edited'],
        retuned: ['tuned'],
        unchanged: [],
      });

      const after = await waitForStatus(stateDir, (s) => s.instances.edited?.machine.state === 'running');
      expect(after.instances.tuned).toMatchObject({
        pid: before.instances.tuned?.pid,
        jvmPid: before.instances.tuned?.jvmPid,
        machine: { state: 'running' },
      });
      expect(after.instances.edited?.jvmPid).not.toBe(before.instances.edited?.jvmPid);
      // Restarted by the reload, its counters carry over: `restarts` never decreases while supervised.
      expect(after.instances.edited?.machine.restartsTotal).toBe(1);
      expect(after.instances.edited?.machine.history?.map((exit) => exit.kind)).toEqual(['crash', 'asked']);

      // The new policy holds for the run it was handed: a crash now is not restarted.
      process.kill(after.instances.tuned?.jvmPid as number, 'SIGKILL');
      const ended = await waitForStatus(stateDir, (s) =>
        ['exited', 'failed'].includes(s.instances.tuned?.machine.state ?? ''),
      );
      expect(ended.instances.tuned?.machine).toMatchObject({ lastExit: { kind: 'crash' } });
      expect(ended.instances.tuned?.machine.restartsTotal ?? 0).toBe(0);
      // The runner it was handed from is inert: one crash, told once, by the new runner alone.
      const log = await readFile(path.join(stateDir, 'logs', 'supervisor.log'), 'utf8');
      const crashes = log
        .split('\n')
        .filter((l) => l.includes('"instance":"tuned"') && l.includes('"event":"state"'));
      expect(crashes.filter((l) => l.includes('"from":"running"'))).toHaveLength(1);
    } finally {
      await requestDown(manifest.stateDir);
      await supervisor.finished;
    }
  });

  it('leaves a stopped instance stopped when a reload changes only its settings', async () => {
    await simMiFleetIn(t, 'reload', [{ name: 'busy' }, { name: 'idle' }]);
    const file = path.join(t.root, 'instances.json');
    const manifest = await loadManifest(file);
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    try {
      const { stateDir } = manifest;
      await waitForStatus(stateDir, (s) =>
        Object.values(s.instances).every((i) => i.machine.state === 'running'),
      );
      await controlInstances(stateDir, 'stop', { names: ['idle'] });
      const edited = JSON.parse(await readFile(file, 'utf8'));
      edited.instances[1].restart = { maxRestarts: 9 };
      await writeFile(file, JSON.stringify(edited));
      expect(await reloadManifest(stateDir)).toMatchObject({ retuned: ['idle'], changed: [] });
      const after = await waitForStatus(stateDir, () => true);
      expect(after.instances.idle?.machine).toMatchObject({ state: 'stopped', lastExit: { kind: 'asked' } });
      expect(after.instances.idle?.pid).toBeUndefined();
    } finally {
      await requestDown(manifest.stateDir);
      await supervisor.finished;
    }
  });
});
