import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../scripts/json-lines.js';
import { closeServer, listenOn } from '../helpers/listen.js';
import { useSimFleet } from '../helpers/sim-fleet.js';

interface LogEvent {
  readonly instance?: string;
  readonly event?: string;
  readonly for?: string[];
  readonly instances?: string[];
}

/** An instance with dependencies waits for them, visibly, and fails when one gives up. */
describe('dependencies', () => {
  const { fleetOf, servers } = useSimFleet();

  it('keeps a dependent waiting, visibly, while its dependency starts, and launches it only once that runs', async () => {
    const s = await fleetOf([
      { name: 'a', product: 'mi', env: { WSO2_SIM_STARTUP_DELAY_MS: '1500' } },
      { name: 'b', product: 'mi', dependsOn: ['a'] },
    ]);
    // What a was doing each time b left `waiting`.
    const aWhenBLaunched: string[] = [];
    let bWas = s.runner('b').state;
    s.runner('b').on('change', () => {
      const now = s.runner('b').state;
      if (bWas === 'waiting' && now !== 'waiting') aWhenBLaunched.push(s.runner('a').state);
      bWas = now;
    });
    s.fleet.start(['b', 'a']);
    const right = s.runner('b').snapshot();
    expect(right.machine.state).toBe('waiting');
    expect(right.machine.wait).toMatchObject({ kind: 'dependency', on: 'a' });
    expect(right.machine.detail).toMatch(/waiting for a \(starting\)/);
    expect(right.pid).toBeUndefined();

    const b = await s.until('b', (x) => x.machine.state === 'running');
    const a = s.runner('a').snapshot();
    expect(a.machine.state).toBe('running');
    expect(aWhenBLaunched).toEqual(['running']);
    expect(b.machine.readySince ?? 0).toBeGreaterThanOrEqual(a.machine.readySince ?? Infinity);
  });

  it('fails a waiting dependent at once when its dependency fails, long before its startTimeoutSeconds', async () => {
    const s = await fleetOf([
      { name: 'a', product: 'mi', env: { WSO2_SIM_CRASH_AFTER_MS: '100' }, restart: { policy: 'never' } },
      { name: 'b', product: 'mi', dependsOn: ['a'], startTimeoutSeconds: 30 },
    ]);
    const bStates: string[] = [];
    s.runner('b').on('change', () => bStates.push(s.runner('b').state));
    const started = Date.now();
    s.fleet.start(['a', 'b']);
    expect(s.runner('b').state).toBe('waiting');

    const b = await s.until('b', (x) => x.machine.state === 'failed');
    const a = s.runner('a').snapshot();
    expect(a.machine.state).toBe('failed');
    expect(b.machine.reason).toBe('dependency a failed');
    expect(b.machine.detail).toMatch(/dependency a failed/);
    expect(b.pid).toBeUndefined();
    expect(bStates).not.toContain('starting');
    // Failed when its dependency failed, not when its own start would have timed out.
    expect((b.machine.since ?? Infinity) - (a.machine.since ?? 0)).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('starts the dependencies of an instance started alone, returning their names, and runs both', async () => {
    const s = await fleetOf([
      { name: 'a', product: 'mi', env: { WSO2_SIM_STARTUP_DELAY_MS: '500' } },
      { name: 'b', product: 'mi', dependsOn: ['a'] },
    ]);
    const also = s.fleet.start(['b']);
    expect(also).toEqual(['a']);
    expect(s.runner('b').snapshot().machine).toMatchObject({
      state: 'waiting',
      wait: { kind: 'dependency', on: 'a' },
    });
    await s.until('b', (x) => x.machine.state === 'running');
    expect(s.runner('a').state).toBe('running');
    const announced = readJsonLines<LogEvent>(s.logFile).filter((e) => e.event === 'dependencies-started');
    expect(announced).toMatchObject([{ for: ['b'], instances: ['a'] }]);
  });

  it('stops a waiting instance at once, and it stays stopped when its dependency then runs', async () => {
    const s = await fleetOf([
      { name: 'a', product: 'mi', env: { WSO2_SIM_STARTUP_DELAY_MS: '1500' } },
      { name: 'b', product: 'mi', dependsOn: ['a'] },
    ]);
    s.fleet.start(['a', 'b']);
    expect(s.runner('b').state).toBe('waiting');
    await s.fleet.stop(['b']);
    const stopped = s.runner('b').snapshot();
    expect(stopped.machine.state).toBe('stopped');
    expect(stopped.machine.wait).toBeUndefined();
    expect(stopped.pid).toBeUndefined();

    await s.until('a', (x) => x.machine.state === 'running');
    expect(s.runner('b').snapshot().machine.state).toBe('stopped');
  });

  it('starts a failed dependency again before its dependent, which then waits for it instead of failing at once', async () => {
    const s = await fleetOf([
      { name: 'a', product: 'mi', restart: { policy: 'never' } },
      { name: 'b', product: 'mi', dependsOn: ['a'] },
    ]);
    // a fails first: a foreign process holds one of its ports, and its policy is never.
    const thief = await listenOn(s.ports('a')[0] as number);
    servers.push(thief);
    s.fleet.start(['a']);
    await s.until('a', (x) => x.machine.state === 'failed');
    await closeServer(thief);
    expect(s.fleet.start(['b'])).toEqual(['a']);
    const b = await s.until('b', (x) => x.machine.state === 'running' || x.machine.state === 'failed');
    expect(b.machine.state, b.machine.detail).toBe('running');
    expect(s.runner('a').state).toBe('running');
  });
});
