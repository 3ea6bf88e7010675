import { describe, expect, it } from 'vitest';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type StateDocument, type StatusDocument, useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Found by the chaos run (issue 21): an instance's restarts went back to 0 when a killed supervisor was
 * replaced and the instance had no live run to adopt. Counters carry over a killed supervisor; a supervisor
 * that went down on purpose leaves the next one to start afresh.
 */
describe('restart counters across supervisors', () => {
  const t = useDaemonFolder('counters');
  const status = async () => JSON.parse(String((await t.cli(['status', '--json'])).stdout)) as StatusDocument;
  const restartsOf = async (name: string) =>
    (await status()).instances.find((i) => i.name === name)?.restarts;

  it('keeps restarts of a stopped instance through a kill -9 of the supervisor, and not through down', async () => {
    await simMiFleetIn(t, 'counters', [{ name: 'a' }, { name: 'b' }]);
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const jvm = (await t.cli(['describe', 'a', '--json'])).stdout;
    const jvmPid = (JSON.parse(String(jvm)) as { pids: { jvm: number } }).pids.jvm;
    process.kill(jvmPid, 'SIGKILL');
    await waitFor('a restarted once and running', async () => {
      const a = (await status()).instances.find((i) => i.name === 'a');
      return a?.state === 'running' && a.restarts === 1;
    });
    expect((await t.cli(['stop', 'a'])).exitCode).toBe(0);

    const daemon = t.readState<StateDocument>()?.supervisor.pid as number;
    process.kill(daemon, 'SIGKILL');
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    expect(await restartsOf('a')).toBe(1);

    expect((await t.cli(['down'])).exitCode).toBe(0);
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    expect(await restartsOf('a')).toBe(0);
  });
});
