import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type StateDocument, useDaemonFolder } from '../helpers/daemon-folder.js';

interface Recorded {
  pid?: number;
  jvmPid?: number;
  launch?: string;
  machine: { state: string; restarts: number[] };
}

/**
 * A manifest edited while no supervisor ran: the next `up -d` compares the manifest with what each living
 * run was launched with, relaunches the changed one with the edit (as `docker compose up -d` recreates a
 * changed service) and adopts the rest; a reload afterwards finds nothing left to apply.
 */
describe('a manifest edited while the supervisor was down', () => {
  const t = useDaemonFolder('edit-while-down');

  it('relaunches the edited instance with its new environment, adopts the other, and counts no failure', async () => {
    await simMiFleetIn(t, 'edit-while-down', [
      { name: 'edited', env: { DEMO_SETTING: 'one' } },
      { name: 'same', env: { DEMO_SETTING: 'one' } },
    ]);
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const before = t.readState<StateDocument & { instances: Record<string, Recorded> }>();
    process.kill(before?.supervisor.pid as number, 'SIGKILL');

    const file = path.join(t.root, 'instances.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.instances[0].env.DEMO_SETTING = 'two';
    writeFileSync(file, JSON.stringify(manifest, null, 2));

    const up = await t.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    const after = t.readState<StateDocument & { instances: Record<string, Recorded> }>();
    const edited = after?.instances.edited as Recorded;
    const same = after?.instances.same as Recorded;
    expect(edited.pid).not.toBe(before?.instances.edited?.pid);
    expect(edited.launch).not.toBe(before?.instances.edited?.launch);
    expect(readFileSync(`/proc/${edited.jvmPid}/environ`, 'latin1').split('\0')).toContain(
      'DEMO_SETTING=two',
    );
    expect(edited.machine.restarts).toEqual([]);
    expect(same.pid).toBe(before?.instances.same?.pid);

    const events = readFileSync(path.join(t.root, 'state', 'logs', 'supervisor.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"launch-changed"'))
      .map((line) => JSON.parse(line));
    expect(events).toMatchObject([{ instance: 'edited' }]);

    const reload = await t.cli(['reload', '--json']);
    expect(reload.exitCode, `${reload.stdout}${reload.stderr}`).toBe(0);
    expect(JSON.parse(String(reload.stdout))).toMatchObject({ changed: [], unchanged: ['edited', 'same'] });
  });
});
