import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeLayout } from '../../scripts/sim/home-layout.js';
import { productOf } from '../../src/products/catalog.js';
import { freeOffset } from '../helpers/free-offset.js';
import { get, getFailure, lineTime, recordedPid, useSimulator, waitFor } from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');
const apim = productOf('apim');

describe('health endpoints of the simulated runtimes', () => {
  it('MI: the probe port refuses connections until the ready line, then /healthz and /liveness answer 200', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_STARTUP_DELAY_MS: '1000' },
    });
    const probe = `http://127.0.0.1:${9191 + offset}`;
    // The pass-through listeners are up, the internal API listener (probes) is not yet.
    await run.waitForLine(/Pass-through HTTPS Listener started/);
    expect(await getFailure(`${probe}/healthz`)).toBe('ECONNREFUSED');
    expect(run.output()).not.toMatch(mi.readyLine);

    await run.waitForLine(mi.readyLine);
    const ready = await get(`${probe}/healthz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/"status" : "ready"/);
    expect(await get(`${probe}/liveness`)).toEqual({ status: 200, body: '{"server" : "started"}' });
    expect((await get(`${probe}/nothing-here`)).status).toBe(404);
  });

  it('API-M: the servlet ports open with the ready lines; the readiness check answers over HTTPS with the home certificate', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const ca = readFileSync(join(home.home, homeLayout.cert), 'utf8');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_STARTUP_DELAY_MS: '1000' },
    });
    const readiness = `https://localhost:${9443 + offset}${apim.readiness.path}`;
    const liveness = `http://127.0.0.1:${9763 + offset}${apim.liveness.path}`;
    await run.waitForLine(/Pass-through HTTPS Listener started/);
    expect(await getFailure(readiness, { ca })).toBe('ECONNREFUSED');
    expect(await getFailure(liveness)).toBe('ECONNREFUSED');

    await run.waitForLine(apim.readyLine);
    expect(await get(readiness, { ca })).toEqual({ status: 200, body: '' });
    const version = await get(liveness);
    expect(version.status).toBe(200);
    expect(version.body).toContain('WSO2 API Manager-4.3.0');
    expect((await get(`https://localhost:${9443 + offset}/carbon/`, { ca })).status).toBe(200);
  });

  it('MI with WSO2_SIM_NOT_READY_MS: /healthz answers 500 (faulty CApps) that long after the ready line, then 200', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`], env: { WSO2_SIM_NOT_READY_MS: '800' } });
    const readyLine = await run.waitForLine(mi.readyLine);
    const url = `http://127.0.0.1:${9191 + offset}/healthz`;
    const early = await get(url);
    expect(early.status).toBe(500);
    expect(early.body).toContain('not ready, faulty CAPPs detected');
    expect((await get(`http://127.0.0.1:${9191 + offset}/liveness`)).status).toBe(200);
    let firstOk = 0;
    await waitFor('/healthz to answer 200', async () => {
      if ((await get(url)).status !== 200) return false;
      firstOk = Date.now();
      return true;
    });
    // The log's timestamps have millisecond precision: allow for their rounding.
    expect(firstOk - lineTime(readyLine)).toBeGreaterThanOrEqual(790);
  });

  it('API-M with WSO2_SIM_NOT_READY_MS: the startup health check answers 500 (APIs not deployed), then 200', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const ca = readFileSync(join(home.home, homeLayout.cert), 'utf8');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`], env: { WSO2_SIM_NOT_READY_MS: '500' } });
    await run.waitForLine(apim.readyLine);
    const url = `https://localhost:${9443 + offset}${apim.readiness.path}`;
    expect((await get(url, { ca })).status).toBe(500);
    await waitFor(
      'the startup health check to answer 200',
      async () => (await get(url, { ca })).status === 200,
    );
  });

  it('appends one ready stamp (pid, home, readyAt) for when readiness begins to answer 200', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const stamp = join(home.home, 'ready-stamps.jsonl');
    const launched = Date.now();
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_READY_STAMP: stamp, WSO2_SIM_NOT_READY_MS: '200' },
    });
    await run.waitForLine(mi.readyLine);
    const url = `http://127.0.0.1:${9191 + offset}/healthz`;
    await waitFor('/healthz to answer 200', async () => (await get(url)).status === 200);
    const after = Date.now();
    await waitFor('the stamp', () => existsSync(stamp));
    const lines = readFileSync(stamp, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string) as { pid: number; home: string; readyAt: number };
    expect(entry.pid).toBe(recordedPid(home));
    expect(entry.home).toBe(home.home);
    // Not before the ready line plus WSO2_SIM_NOT_READY_MS, and not after a check first saw 200.
    expect(entry.readyAt).toBeGreaterThanOrEqual(launched + 200);
    expect(entry.readyAt).toBeLessThanOrEqual(after);
  });
});
