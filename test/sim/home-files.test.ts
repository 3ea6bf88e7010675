import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productOf } from '../../src/products/catalog.js';
import { freeOffset } from '../helpers/free-offset.js';
import { get, isAlive, recordedPid, useSimulator, waitFor } from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');
const apim = productOf('apim');
const ts = String.raw`\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]`;

describe('what the simulated JVM writes', () => {
  it('MI: console pattern [%d] %5p {%c{1}} - %m, the same lines with full class names in wso2carbon.log, a bare pid file', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    const ready = await run.waitForLine(mi.readyLine);
    expect(ready).toMatch(
      new RegExp(
        `^${ts}  INFO \\{StartupFinalizer\\} - WSO2 Micro Integrator started in \\d+\\.\\d\\d seconds$`,
      ),
    );
    const carbonLog = readFileSync(join(home.home, mi.carbonLog), 'utf8');
    expect(carbonLog).toMatch(
      new RegExp(
        `^${ts}  INFO \\{org\\.wso2\\.micro\\.integrator\\.initializer\\.StartupFinalizer\\} - WSO2 Micro Integrator started in`,
        'm',
      ),
    );
    const jvm = recordedPid(home) as number;
    expect(readFileSync(join(home.home, mi.pidFile), 'latin1')).toBe(String(jvm));
  });

  it('API-M: console pattern [%d] %5p - %c{1} %m, TID-prefixed wso2carbon.log, pid file NUL-padded to 100 bytes', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    const ready = await run.waitForLine(apim.readyLine);
    expect(ready).toMatch(
      new RegExp(`^${ts}  INFO - StartupFinalizerServiceComponent WSO2 Carbon started in \\d+ sec$`),
    );
    await run.waitForLine(/Server {11}: {2}WSO2 API Manager-4\.3\.0$/);
    const carbonLog = readFileSync(join(home.home, apim.carbonLog), 'utf8');
    expect(carbonLog).toMatch(
      new RegExp(
        `^TID: \\[-1234\\] \\[\\] ${ts}  INFO \\{org\\.wso2\\.carbon\\.core\\.internal\\.StartupFinalizerServiceComponent\\} - WSO2 Carbon started in`,
        'm',
      ),
    );
    const pidFile = readFileSync(join(home.home, apim.pidFile));
    const jvm = recordedPid(home) as number;
    expect(pidFile).toHaveLength(100);
    expect(pidFile.subarray(0, String(jvm).length + 1).toString()).toBe(`${jvm}\n`);
    expect([...pidFile.subarray(String(jvm).length + 1)].every((byte) => byte === 0)).toBe(true);
  });

  it('--start runs the server in the background and exits 0; --stop sends SIGTERM to the recorded pid', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const starter = sim.start(home, { args: ['--start', `-DportOffset=${offset}`] });
    expect(await starter.exited).toEqual({ code: 0, signal: null });
    const healthz = `http://127.0.0.1:${9191 + offset}/healthz`;
    await waitFor(
      'the background server to answer',
      async () => (await get(healthz).catch(() => ({ status: 0 }))).status === 200,
    );
    const jvm = recordedPid(home) as number;
    const again = sim.start(home, { args: ['--start'] });
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(again.output()).toBe('Process is already running\n');

    const stopper = sim.start(home, { args: ['--stop'] });
    expect(await stopper.exited).toEqual({ code: 0, signal: null });
    await waitFor('the JVM to stop', () => !isAlive(jvm));
    expect(readFileSync(join(home.home, mi.carbonLog), 'utf8')).toMatch(mi.shutdownLines[1] as RegExp);
  });
});
