import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeLayout } from '../../scripts/sim/home-layout.js';
import { groupMembers, isRunning } from '../../src/process/proc-stat.js';
import { useSimFleet } from '../helpers/sim-fleet.js';

/**
 * Issue 11: SIGKILL to the JVM alone, the supervisor's grandchild (supervisor -> start script -> JVM). The
 * script notices and exits 0, as the real one does. What must hold: the run is judged a crash despite the
 * 0; every leftover of the run (the diagnostics child, a helper the JVM started) is ended; then the restart
 * policy decides: on-failure and always restart at the same offset, never leaves it failed.
 */
describe('SIGKILL of the JVM alone', () => {
  const { fleetOf } = useSimFleet();
  // The JVM starts a helper in its group that outlives it, as real servers' helpers can.
  const withHelper = { WSO2_SIM_GRANDCHILD: '1' };

  it('restarts under on-failure and always, after ending every leftover of the killed run', async () => {
    const s = await fleetOf([
      { name: 'onfail', product: 'mi', env: withHelper, restart: { policy: 'on-failure' } },
      { name: 'always', product: 'apim', env: withHelper, restart: { policy: 'always' } },
    ]);
    s.fleet.start(['onfail', 'always']);
    for (const name of ['onfail', 'always']) {
      const first = await s.until(name, (x) => x.machine.state === 'running');
      const helper = Number(readFileSync(path.join(s.root, name, homeLayout.grandchildPid), 'utf8'));
      expect(isRunning(helper)).toBe(true);

      process.kill(first.jvmPid as number, 'SIGKILL');
      const again = await s.until(name, (x) => x.machine.state === 'running' && x.pid !== first.pid);
      expect(again.machine.lastExit).toMatchObject({ kind: 'crash', code: 0 });
      expect(again.machine.lastExit?.reason).toMatch(/crashed: script status 0/);
      expect(again.machine.restarts).toHaveLength(1);
      expect(again.offset).toBe(first.offset);
      expect(groupMembers(first.pgid as number)).toEqual([]);
      expect(isRunning(helper)).toBe(false);
    }
  });

  it('leaves it failed under never, with nothing of it left running', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', env: withHelper, restart: { policy: 'never' } }]);
    s.fleet.start(['mi']);
    const first = await s.until('mi', (x) => x.machine.state === 'running');

    process.kill(first.jvmPid as number, 'SIGKILL');
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.lastExit).toMatchObject({ kind: 'crash', code: 0 });
    expect(failed.pid).toBeUndefined();
    expect(groupMembers(first.pgid as number)).toEqual([]);
  });
});
