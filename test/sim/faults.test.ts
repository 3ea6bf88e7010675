import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { burstLineLength } from '../../scripts/sim/faults.js';
import { homeLayout } from '../../scripts/sim/home-layout.js';
import { productOf } from '../../src/products/catalog.js';
import { freeOffset } from '../helpers/free-offset.js';
import { get, isAlive, procStat, recordedPid, useSimulator, waitFor } from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');
const apim = productOf('apim');
const miMain = 'org.wso2.micro.integrator.bootstrap.Bootstrap';

describe('fault knobs of the simulated runtimes', () => {
  it('WSO2_SIM_CRASH_AFTER_MS / _EXIT_CODE: the JVM dies with that code and no shutdown lines', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const jvm = sim.java([`-Dcarbon.home=${home.home}`, miMain, `-DportOffset=${offset}`], {
      WSO2_SIM_CRASH_AFTER_MS: '200',
      WSO2_SIM_CRASH_EXIT_CODE: '134',
    });
    expect(await jvm.exited).toEqual({ code: 134, signal: null });
    expect(jvm.output()).toContain('# A fatal error has been detected by the Java Runtime Environment:');
    expect(mi.shutdownLines.some((line) => line.test(jvm.output()))).toBe(false);
  });

  it('a crash timer shorter than the start-up delay fails the start before the ready line', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_CRASH_AFTER_MS: '100', WSO2_SIM_STARTUP_DELAY_MS: '5000' },
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(apim.readyLine);
  });

  it('WSO2_SIM_RESTART_AFTER_MS: the JVM logs the restart lines and exits 121', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const jvm = sim.java(
      [`-Dcarbon.home=${home.home}`, 'org.wso2.carbon.bootstrap.Bootstrap', `-DportOffset=${offset}`],
      {
        WSO2_SIM_RESTART_AFTER_MS: '0',
      },
    );
    expect(await jvm.exited).toEqual({ code: 121, signal: null });
    expect(jvm.output()).toMatch(
      /Starting a new Carbon instance\. Current instance will be shutdown\n.*Halting JVM\n/,
    );
  });

  it('WSO2_SIM_RESTART_ON_SIGUSR2: after the ready line, SIGUSR2 makes the JVM log the restart lines and exit 121', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const jvm = sim.java([`-Dcarbon.home=${home.home}`, miMain, `-DportOffset=${offset}`], {
      WSO2_SIM_RESTART_ON_SIGUSR2: '1',
    });
    await waitFor('the ready line', () => mi.readyLine.test(jvm.output()));
    process.kill(jvm.pid, 'SIGUSR2');
    expect(await jvm.exited).toEqual({ code: 121, signal: null });
    expect(jvm.output()).toMatch(/Halting JVM\n/);
  });

  it('WSO2_SIM_GRANDCHILD: a helper in the same process group outlives the JVM and keeps the console pipe open', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`], env: { WSO2_SIM_GRANDCHILD: '1' } });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    const grandchild = Number(readFileSync(join(home.home, homeLayout.grandchildPid), 'utf8'));
    expect(procStat(grandchild)?.ppid).toBe(jvm);
    expect(procStat(grandchild)?.pgrp).toBe(run.pid);
    expect(run.output()).toContain(`Started helper process ${grandchild}`);

    process.kill(jvm, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(grandchild)).toBe(true);
    expect(procStat(grandchild)?.pgrp).toBe(run.pid);
    // The grandchild still holds the write end of the script's stdout.
    expect(run.child.stdout?.readableEnded).toBe(false);
  });

  it('WSO2_SIM_OUTPUT_BYTES: numbered lines, none lost or reordered, then the server carries on', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const bytes = 2_000_000;
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_OUTPUT_BYTES: String(bytes) },
    });
    const done = await run.waitForLine(/Simulated output burst done/);
    const lines = bytes / burstLineLength;
    expect(done).toContain(`${lines} lines, ${bytes} bytes`);
    const burst = run.lines(/^SIM-OUTPUT /);
    expect(burst).toHaveLength(lines);
    burst.forEach((line, index) => {
      expect(line.length).toBe(burstLineLength - 1);
      expect(line.slice(11, 19)).toBe(String(index + 1).padStart(8, '0'));
    });
    expect((await get(`http://127.0.0.1:${9191 + offset}/healthz`)).status).toBe(200);
  });

  it('rejects a malformed knob loudly: the JVM names it and exits 1 (the script still exits 0)', async () => {
    const home = await sim.home('mi');
    const run = sim.start(home, {
      env: { WSO2_SIM_STARTUP_DELAY_MS: 'soon', WSO2_SIM_IGNORE_SIGTERM: 'yes' },
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('WSO2_SIM_STARTUP_DELAY_MS must be a whole number of milliseconds');
    expect(run.output()).toContain('WSO2_SIM_IGNORE_SIGTERM must be 1, 0, true or false');
    await waitFor(
      'no JVM left',
      () => recordedPid(home) === undefined || !isAlive(recordedPid(home) as number),
    );
  });
});
