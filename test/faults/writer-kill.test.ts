import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../helpers/processes.js';
import { useSimFleet } from '../helpers/sim-fleet.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * kill -9 of an instance's log writer: the supervisor holds the instance's pipe, so nothing breaks for the
 * instance; a new writer reads on within a second, and the gap is reported.
 */
describe('a killed log writer', () => {
  const { fleetOf } = useSimFleet();

  it('is replaced within a second, the instance runs on, and its output keeps reaching the log in order', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', env: { WSO2_SIM_LOG_EVERY_MS: '20' } }]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    const logFile = path.join(s.manifest.stateDir, 'logs', 'mi.log');
    const activity = async () =>
      [...(await readFile(logFile, 'utf8')).matchAll(/Simulated activity (\d+)/g)].map((m) => Number(m[1]));
    await waitFor('some activity lines', async () => (await activity()).length >= 5);
    const writer = running.writerPid as number;
    process.kill(writer, 'SIGKILL');
    const killedAt = Date.now();
    const replaced = await s.until('mi', (x) => x.writerPid !== undefined && x.writerPid !== writer);
    expect(Date.now() - killedAt).toBeLessThan(5000); // about a second at most, with room for a loaded machine
    expect(isAlive(writer)).toBe(false);
    expect(isAlive(replaced.writerPid as number)).toBe(true);
    expect(replaced.writerReplaced).toMatchObject({ count: 1 });
    expect(replaced.machine.state).toBe('running');
    expect(replaced.jvmPid).toBe(running.jvmPid);
    // Output written after the kill reaches the log: more lines, still numbered without a gap.
    const before = (await activity()).length;
    await waitFor(
      'activity logged through the new writer',
      async () => (await activity()).length >= before + 20,
    );
    const numbers = await activity();
    const first = numbers[0] ?? 0;
    expect(numbers).toEqual(numbers.map((_, k) => first + k));
    const events = (await readFile(s.logFile, 'utf8'))
      .split('\n')
      .filter((l) => l.includes('capture-writer-replaced'));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0] as string)).toMatchObject({ oldPid: writer, newPid: replaced.writerPid });
  });
});
