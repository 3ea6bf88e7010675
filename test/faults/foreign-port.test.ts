import type { Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { groupMembers } from '../../src/process/proc-stat.js';
import { closeServer, listenOn } from '../helpers/listen.js';
import { useSimFleet } from '../helpers/sim-fleet.js';

/**
 * Issue 11: a foreign process takes an instance's port after the plan. What must hold: no JVM is launched
 * onto a busy port (WSO2 would log a BindException and run on without it); the instance waits in backoff,
 * naming the port and its holder; it starts at its planned offset once the port is free; its neighbours are
 * not disturbed.
 */
describe('a foreign process takes a planned port', () => {
  const { fleetOf, servers } = useSimFleet();

  it('between plan and start: the instance waits, launches nothing, and starts at its offset once freed', async () => {
    // `api` starts only once `core` runs: the port is taken after the plan, before api's launch.
    const s = await fleetOf([
      { name: 'core', product: 'mi', env: { WSO2_SIM_STARTUP_DELAY_MS: '1500' } },
      { name: 'api', product: 'mi', dependsOn: ['core'] },
    ]);
    s.fleet.start(['core', 'api']);
    await s.until('core', (x) => x.pid !== undefined);
    expect(s.runner('api').snapshot().pid).toBeUndefined();
    const port = s.ports('api')[2] as number;
    servers.push(await listenOn(port));

    const waiting = await s.until('api', (x) => x.machine.state === 'backoff');
    expect(waiting.pid).toBeUndefined();
    expect(waiting.machine.detail).toContain(`port ${port} held by pid ${process.pid}`);
    expect(s.runner('core').snapshot().machine.state).toBe('running');

    await closeServer(servers.pop() as Server);
    const running = await s.until('api', (x) => x.machine.state === 'running');
    expect(running.offset).toBe(s.plan.instances.find((i) => i.name === 'api')?.offset);
  });

  it('while it runs: taken in the gap of a restart, the port is waited for, not fought over', async () => {
    const s = await fleetOf([
      // A long first backoff: the thief has ample time to take the port after the crash.
      { name: 'mi', product: 'mi', restart: { backoff: { initialSeconds: 2, maxSeconds: 2 } } },
      { name: 'neighbour', product: 'mi' },
    ]);
    s.fleet.start(['mi', 'neighbour']);
    const first = await s.until('mi', (x) => x.machine.state === 'running');
    const neighbour = await s.until('neighbour', (x) => x.machine.state === 'running');

    process.kill(first.jvmPid as number, 'SIGKILL');
    await s.until('mi', (x) => x.machine.state === 'backoff');
    const port = s.ports('mi')[0] as number;
    servers.push(await listenOn(port));

    // The restart finds the port held, names it, and launches nothing.
    const blocked = await s.until(
      'mi',
      (x) => x.machine.state === 'backoff' && (x.machine.detail ?? '').includes(`port ${port}`),
    );
    expect(blocked.machine.detail).toContain(`port ${port} held by pid ${process.pid}`);
    expect(blocked.pid).toBeUndefined();
    expect(groupMembers(first.pgid as number)).toEqual([]);

    await closeServer(servers.pop() as Server);
    const again = await s.until('mi', (x) => x.machine.state === 'running');
    expect(again.offset).toBe(first.offset);
    expect(again.pid).not.toBe(first.pid);
    // The neighbour ran through it all, same process.
    expect(s.runner('neighbour').snapshot()).toMatchObject({
      pid: neighbour.pid,
      machine: { state: 'running' },
    });
  });
});
