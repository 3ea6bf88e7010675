import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../scripts/json-lines.js';
import { readProcStat } from '../../src/process/proc-stat.js';
import { leftovers, useSimFleet } from '../helpers/sim-fleet.js';

interface LogEvent {
  readonly instance?: string;
  readonly event?: string;
  readonly oldJvmPid?: number;
  readonly jvmPid?: number;
}

/** How a JVM's own end is seen: Carbon's restart (exit 121) inside a run, and a crash's reason. */
describe('JVM relaunches and crashes', () => {
  const { fleetOf } = useSimFleet();

  it('counts a Carbon restart (exit 121) as a restart of the same run: back through starting to running with a new JVM', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', env: { WSO2_SIM_RESTART_AFTER_MS: '500' } }]);
    const states: string[] = [];
    s.runner('mi').on('change', () => {
      const state = s.runner('mi').state;
      if (states.at(-1) !== state) states.push(state);
    });
    s.fleet.start(['mi']);
    const first = await s.until('mi', (x) => x.machine.state === 'running');
    expect(first.machine.restartsTotal ?? 0).toBe(0);
    const again = await s.until(
      'mi',
      (x) => x.machine.state === 'running' && (x.machine.restartsTotal ?? 0) >= 1,
    );
    expect(states).toEqual(['starting', 'running', 'starting', 'running']);
    expect(again.jvmPid).toBeDefined();
    expect(again.jvmPid).not.toBe(first.jvmPid);
    expect(again.jvmStartTime).not.toBe(first.jvmStartTime);
    expect(again.jvmStartTime).toBe(readProcStat(again.jvmPid as number)?.startTime);
    expect(again.pid).toBe(first.pid);
    expect(again.pgid).toBe(first.pgid);
    expect(again.runId).toBe(first.runId);
    expect(again.offset).toBe(first.offset);
    expect(again.startedAt ?? 0).toBeGreaterThan(first.startedAt ?? Infinity);
    expect(again.machine.restartsTotal).toBe(1);
    expect(again.machine.lastExit).toMatchObject({ kind: 'relaunched', code: 121 });
    const relaunched = readJsonLines<LogEvent>(s.logFile).filter(
      (e) => e.instance === 'mi' && e.event === 'relaunched',
    );
    expect(relaunched).toMatchObject([{ oldJvmPid: first.jvmPid, jvmPid: again.jvmPid }]);
  });

  it('gives up on a JVM looping through exit 121 after maxRestarts, leaving no process of its group', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        // Each JVM exits 121 1 s after its ready line: the script runs the next one, again and again.
        env: { WSO2_SIM_CRASH_AFTER_READY_MS: '1000', WSO2_SIM_CRASH_EXIT_CODE: '121' },
        restart: { maxRestarts: 2, windowSeconds: 60 },
      },
    ]);
    s.fleet.start(['mi']);
    const launched = await s.until('mi', (x) => x.pgid !== undefined);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    const reason = failed.machine.reason ?? '';
    expect(reason).toMatch(/gave up after 2 restarts/);
    // Said once, with what the last end was: not "gave up ...; last: gave up ...".
    expect(reason.match(/gave up/g)).toHaveLength(1);
    expect(reason).toMatch(/exit 121/);
    expect(failed.machine.restartsTotal).toBe(2);
    expect(failed.pid).toBeUndefined();
    expect(await leftovers(launched.pgid)).toEqual([]);
  });
});
