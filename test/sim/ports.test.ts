import { describe, expect, it } from 'vitest';
import { portSet, productOf } from '../../src/products/catalog.js';
import { bindFailure } from '../../src/products/product.js';
import { freeOffset, reserveOffset } from '../helpers/free-offset.js';
import { canBind, canConnect, get, recordedPid, useSimulator } from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');
const apim = productOf('apim');

async function allConnect(ports: { port: number }[]): Promise<boolean[]> {
  return Promise.all(ports.map(({ port }) => canConnect(port)));
}

describe('ports of the simulated runtimes', () => {
  it('binds every MI port at base + -DportOffset, overriding deployment.toml', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi', { offset: 7 });
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    expect(await allConnect(portSet(mi, offset))).toEqual([true, true, true, true]);
    expect(run.output()).toContain(`Pass-through HTTP Listener started on 0.0.0.0:${8280 + offset}`);
    expect(run.output()).toContain(`Pass-through HTTPS Listener started on 0.0.0.0:${8243 + offset}`);
  });

  it('takes [server] offset from deployment.toml when no -DportOffset is given', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi', { offset });
    const run = sim.start(home);
    await run.waitForLine(mi.readyLine);
    expect(await allConnect(portSet(mi, offset))).toEqual([true, true, true, true]);
  });

  it('runs MI at its internal default offset 10 when neither is set', async () => {
    const defaults = portSet(mi, 10);
    await reserveOffset('mi', 10);
    const home = await sim.home('mi');
    const run = sim.start(home);
    await run.waitForLine(mi.readyLine);
    expect(defaults.map((p) => p.port)).toEqual([8290, 8253, 9201, 9164]);
    expect(await allConnect(defaults)).toEqual([true, true, true, true]);
  });

  it('binds all fourteen API-M ports at base + offset and names the console port', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(apim.readyLine);
    const ports = portSet(apim, offset);
    expect(ports).toHaveLength(14);
    expect(await allConnect(ports)).toEqual(ports.map(() => true));
    await run.waitForLine(new RegExp(`Mgt Console URL  : https://localhost:${9443 + offset}/carbon/$`));
  });

  it('logs a BindException for a taken MI port and carries on to the ready line without it', async () => {
    const offset = await freeOffset('mi');
    const taken = 8280 + offset;
    await sim.occupy(taken);
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    const output = run.output();
    const listenerAt = output.indexOf(`Pass-through HTTP Listener started on 0.0.0.0:${taken}`);
    const warnAt = output.indexOf('WARN {PassThroughListeningIOReactorManager} - System may be unstable');
    const exceptionAt = output.indexOf('java.net.BindException: Address already in use');
    const readyAt = output.search(mi.readyLine);
    expect(listenerAt).toBeGreaterThanOrEqual(0);
    expect(listenerAt).toBeLessThan(warnAt);
    expect(warnAt).toBeLessThan(exceptionAt);
    expect(exceptionAt).toBeLessThan(readyAt);
    expect(bindFailure.test(output)).toBe(true);
    expect((await get(`http://127.0.0.1:${9191 + offset}/healthz`)).status).toBe(200);
  });

  it('logs a BindException for a taken API-M servlet port and still prints its ready lines', async () => {
    const offset = await freeOffset('apim');
    await sim.occupy(9763 + offset);
    const home = await sim.home('apim');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(apim.readyLine);
    expect(run.output()).toContain(
      `ERROR - Http11NioProtocol Failed to initialize end point associated with ProtocolHandler ["http-nio-${9763 + offset}"]\njava.net.BindException: Address already in use`,
    );
    expect(await canConnect(9443 + offset)).toBe(true);
  });

  it('with WSO2_SIM_EXIT_ON_BUSY_PORT, stops at the taken port instead (the script still exits 0)', async () => {
    const offset = await freeOffset('mi');
    await sim.occupy(8243 + offset);
    const home = await sim.home('mi');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_EXIT_ON_BUSY_PORT: '1' },
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('java.net.BindException: Address already in use');
    expect(run.output()).not.toMatch(mi.readyLine);
    expect(await canBind(8280 + offset)).toBe(true);
    expect(recordedPid(home)).toBeGreaterThan(0);
  });
});
