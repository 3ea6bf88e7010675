import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../src/process/proc-stat.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type StateDocument, useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Found by the chaos run (issue 21): Carbon relaunched its JVM (exit 121) while no supervisor watched; the
 * next supervisor adopted the run naming the old, dead JVM, and said `running` about it until its next
 * health check. The pid file is now read at adoption: the relaunch is seen at once.
 */
describe('a Carbon relaunch while the supervisor is down', () => {
  const t = useDaemonFolder('relaunch-unwatched');

  it('is seen when the run is adopted: the status names the new JVM and counts the restart', async () => {
    await simMiFleetIn(t, 'relaunch-unwatched', [{ name: 'mi', env: { WSO2_SIM_RESTART_ON_SIGUSR2: '1' } }]);
    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const before = t.readState<StateDocument & { instances: { mi: { jvmPid: number } } }>();
    const oldJvm = before?.instances.mi.jvmPid as number;
    process.kill(before?.supervisor.pid as number, 'SIGKILL');

    process.kill(oldJvm, 'SIGUSR2');
    const pidFile = path.join(t.root, 'mi', 'wso2carbon.pid');
    let newJvm = 0;
    await waitFor('the start script to run a new JVM', () => {
      newJvm = Number(readFileSync(pidFile, 'utf8').replace(/\0/g, ''));
      return newJvm !== oldJvm && isRunning(newJvm) && !isRunning(oldJvm);
    });

    expect((await t.cli(['up', '-d'])).exitCode).toBe(0);
    const status = JSON.parse(String((await t.cli(['status', '--json'])).stdout)) as {
      instances: { name: string; state: string; restarts: number; jvmPid?: number; pid: number | null }[];
    };
    const mi = status.instances.find((i) => i.name === 'mi');
    expect(mi).toMatchObject({ state: 'running', jvmPid: newJvm, restarts: 1 });
  });
});
