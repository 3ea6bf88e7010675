import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  controlInstances,
  reloadManifest,
  requestDown,
  supervisorStatus,
} from '../../src/daemon/control-client.js';
import { serve } from '../../src/daemon/serve.js';
import { ControlRequestError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitForStatus } from '../helpers/daemon-status.js';
import { closeServer, listenOn } from '../helpers/listen.js';

/**
 * The supervisor's main (daemon/serve.ts) run in this process, against its real socket, real shells and
 * simulated JVMs: the CLI only parses and prints around the same calls.
 */
describe('serve, in-process, over its control socket', () => {
  const t = useDaemonFolder('serve');

  it('answers status with each wait, starts dependencies first, refuses unknown names with facts, and goes down', async () => {
    await simMiFleetIn(
      t,
      'serve',
      [
        { name: 'a', env: { WSO2_SIM_STARTUP_DELAY_MS: '1000' } },
        { name: 'b', dependsOn: ['a'] },
      ],
      { autostart: false },
    );
    const manifest = await loadManifest(path.join(t.root, 'instances.json'));
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    try {
      const socket = path.join(manifest.stateDir, 'supervisor.sock');
      expect((await stat(socket)).mode & 0o777).toBe(0o600);
      const idle = await supervisorStatus(manifest.stateDir);
      expect(idle?.instances.b?.machine).toMatchObject({ state: 'stopped', detail: 'not started' });

      const started = controlInstances(manifest.stateDir, 'start', { names: ['b'] });
      // While a starts, b waits for it, and says so through the socket.
      await waitForStatus(manifest.stateDir, (s) => s.instances.b?.machine.state === 'waiting');
      const waiting = await supervisorStatus(manifest.stateDir);
      expect(waiting?.instances.b?.machine.wait).toMatchObject({ kind: 'dependency', on: 'a' });
      const answer = await started;
      expect(answer.dependencies.map((d) => [d.name, d.machine.state])).toEqual([['a', 'running']]);
      expect(answer.instances.map((i) => [i.name, i.machine.state])).toEqual([['b', 'running']]);

      const refused = await controlInstances(manifest.stateDir, 'stop', { names: ['nope'] }).catch((e) => e);
      expect(refused).toBeInstanceOf(ControlRequestError);
      expect((refused as ControlRequestError).toJSON()).toMatchObject({
        kind: 'unknown-instance',
        names: ['nope'],
        known: ['a', 'b'],
      });
    } finally {
      await requestDown(manifest.stateDir);
      expect(await supervisor.finished).toBe(0);
    }
    expect(await supervisorStatus(manifest.stateDir)).toBeUndefined();
  });

  it("orders requests per instance: a stop of one never waits behind another one's slow start", async () => {
    await simMiFleetIn(t, 'serve', [
      { name: 'slow', autostart: false, env: { WSO2_SIM_STARTUP_DELAY_MS: '6000' } },
      { name: 'quick' },
    ]);
    const manifest = await loadManifest(path.join(t.root, 'instances.json'));
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    try {
      const { stateDir } = manifest;
      await waitForStatus(stateDir, (s) => s.instances.quick?.machine.state === 'running');
      const order: string[] = [];
      const startSlow = controlInstances(stateDir, 'start', { names: ['slow'] }).then((a) => {
        order.push('start slow');
        return a;
      });
      await waitForStatus(stateDir, (s) => s.instances.slow?.machine.state === 'starting');
      // Asked after the start of slow: the stop of slow waits for it; the stop of quick does not.
      const stopSlow = controlInstances(stateDir, 'stop', { names: ['slow'] }).then(() =>
        order.push('stop slow'),
      );
      const asked = Date.now();
      const stopQuick = await controlInstances(stateDir, 'stop', { names: ['quick'] });
      const stopLatencyMs = Date.now() - asked;
      order.push('stop quick');
      console.log(`stop of quick while slow starts: ${stopLatencyMs} ms`);
      expect(stopQuick.instances[0]?.machine.state).toBe('stopped');
      expect((await supervisorStatus(stateDir))?.instances.slow?.machine.state).toBe('starting');
      expect((await startSlow).instances[0]?.machine.state).toBe('running');
      await stopSlow;
      expect(order).toEqual(['stop quick', 'start slow', 'stop slow']);
    } finally {
      await requestDown(manifest.stateDir);
      await supervisor.finished;
    }
  });
  it('keeps an instance at its offset through a reload while a foreign process holds one of its ports', async () => {
    await simMiFleetIn(t, 'serve', [
      { name: 'edited', env: { DEMO_SETTING: 'one' } },
      { name: 'robbed', restart: { policy: 'on-failure', backoff: { initialSeconds: 30, maxSeconds: 30 } } },
    ]);
    const file = path.join(t.root, 'instances.json');
    const manifest = await loadManifest(file);
    const supervisor = await serve({ manifest, plan: await planFleet(manifest), terminal: false });
    const thieves: Server[] = [];
    try {
      const { stateDir } = manifest;
      await waitForStatus(stateDir, (s) =>
        Object.values(s.instances).every((i) => i.machine.state === 'running'),
      );
      const robbed = (await supervisorStatus(stateDir))?.instances.robbed;
      process.kill(robbed?.jvmPid as number, 'SIGKILL');
      await waitForStatus(stateDir, (s) => s.instances.robbed?.machine.state === 'backoff');
      const port = 8280 + (robbed?.offset as number);
      thieves.push(await listenOn(port));

      const edited = JSON.parse(await readFile(file, 'utf8'));
      edited.instances[0].env.DEMO_SETTING = 'two';
      await writeFile(file, JSON.stringify(edited));
      const summary = await reloadManifest(stateDir);
      expect(summary).toMatchObject({ changed: ['edited'], retuned: [], unchanged: ['robbed'] });
      const after = (await supervisorStatus(stateDir))?.instances.robbed;
      expect(after?.offset).toBe(robbed?.offset);
      // What `plan` says while the supervisor runs agrees: kept, with the busy port and its holder.
      const planned = (await planFleet(await loadManifest(file))).instances.find((i) => i.name === 'robbed');
      expect(planned).toMatchObject({ offset: robbed?.offset, reason: { kind: 'kept' } });
      expect(planned?.ports.find((p) => p.port === port)).toMatchObject({
        state: 'busy',
        holder: { pid: process.pid },
      });
    } finally {
      await Promise.all(thieves.map(closeServer));
      await requestDown(manifest.stateDir);
      await supervisor.finished;
    }
  });
});
