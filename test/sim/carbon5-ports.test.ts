import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { carbon5Layout } from '../../scripts/sim/home-layout.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import { offsetLaunch } from '../../src/products/offset-launch.js';
import { bindFailure } from '../../src/products/product.js';
import { freeOffset } from '../helpers/free-offset.js';
import { canConnect, get, getFailure, useSimulator, waitFor } from './harness.js';

const sim = useSimulator();
const si = productOf('si');
const tooling = productOf('si-tooling');
const ei = productOf('ei-analytics');

const allConnect = async (ports: readonly { port: number }[]) =>
  (await Promise.all(ports.map(({ port }) => canConnect(port)))).every(Boolean);
const interfaceLine = (port: number) => `HTTP(S) Interface starting on host 0.0.0.0 and port ${port}\n`;
/** The store API's variables only (what the supervisor adds for a moved fixed port). */
const storeMoves = (env: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SIDDHI_')));

describe('Carbon 5 offsets in the simulated runtimes', () => {
  it('SI takes WSO2_CARBON__PORTS_OFFSET from the environment and moves the store API by the id/port pairs', async () => {
    const offset = await freeOffset('si');
    const home = await sim.home('si');
    const run = sim.start(home, { env: { ...offsetLaunch(si, offset).env } });
    const ready = await run.waitForLine(si.readyLine);
    expect(ready).toMatch(/ - WSO2 Streaming Integrator started in \d+\.\d{3} sec$/);
    const ports = portSet(si, offset);
    expect(ports.filter((p) => p.placement === 'moved').map((p) => p.port)).toEqual([
      7070 + offset,
      7443 + offset,
    ]);
    expect(await allConnect(ports)).toBe(true);
    for (const port of [9090 + offset, 9443 + offset]) expect(run.output()).toContain(interfaceLine(port));
    expect(run.output()).toMatch(
      /\{org\.wso2\.msf4j\.MicroservicesRunner\} - Microservices server started in \d+ms/,
    );
    expect(run.output()).toContain(`Started Binary SSL Transport on port : ${9711 + offset}`);
    expect(run.output()).toContain(`Thrift port : ${7611 + offset}`);
  });

  it('SI takes -DWSO2_CARBON__PORTS_OFFSET and the store API pairs as system properties', async () => {
    const offset = await freeOffset('si');
    const home = await sim.home('si');
    const env = offsetLaunch(si, offset).env;
    const run = sim.start(home, { args: Object.entries(env).map(([name, value]) => `-D${name}=${value}`) });
    await run.waitForLine(si.readyLine);
    expect(await allConnect(portSet(si, offset))).toBe(true);
  });

  it('SI Tooling takes the offset pinned in deployment.yaml, replacing its shipped 3, and serves its editor', async () => {
    const offset = await freeOffset('si-tooling');
    const home = await sim.home('si-tooling', { offset });
    const run = sim.start(home, { env: storeMoves(offsetLaunch(tooling, offset).env) });
    await run.waitForLine(tooling.readyLine);
    expect(run.output()).toContain(interfaceLine(9387 + offset));
    expect(run.output()).toContain(interfaceLine(9740 + offset));
    expect(run.output()).toContain(`Editor Started on : http://127.0.0.1:${9387 + offset}/editor\n`);
    expect(await allConnect(portSet(tooling, offset))).toBe(true);
    expect((await get(`http://127.0.0.1:${9387 + offset}/editor`)).status).toBe(200);
  });

  it('EI Analytics ignores -DportOffset: the yaml pin still decides', async () => {
    const offset = await freeOffset('ei-analytics');
    const home = await sim.home('ei-analytics', { offset });
    const run = sim.start(home, {
      args: [`-DportOffset=${offset + 1}`],
      env: storeMoves(offsetLaunch(ei, offset).env),
    });
    await run.waitForLine(ei.readyLine);
    expect(run.output()).toContain(interfaceLine(9090 + offset));
    expect(run.output()).not.toContain(interfaceLine(9090 + offset + 1));
    expect(await allConnect(portSet(ei, offset))).toBe(true);
  });

  it('keeps the store API at its deployment.yaml port whatever the offset', async () => {
    const offset = await freeOffset('si');
    const home = await sim.home('si');
    // The reserved store ports written into the file, so the test never touches the shared 7070 / 7443.
    const document = parseDocument(readFileSync(home.configFile, 'utf8'));
    document.setIn(['siddhi.stores.query.api', 'listenerConfigurations', 0, 'port'], 7070 + offset);
    document.setIn(['siddhi.stores.query.api', 'listenerConfigurations', 1, 'port'], 7443 + offset);
    writeFileSync(home.configFile, document.toString());
    const run = sim.start(home, { env: { WSO2_CARBON__PORTS_OFFSET: String(offset) } });
    await run.waitForLine(si.readyLine);
    expect(run.output()).toContain(interfaceLine(7070 + offset));
    expect(run.output()).toContain(interfaceLine(7443 + offset));
    expect(await allConnect(portSet(si, offset))).toBe(true);
  });
});

describe('Carbon 5 busy ports and configuration errors in the simulated runtimes', () => {
  it('a taken main HTTP port is silent: no interface line, no exception, and the ready line still comes', async () => {
    const offset = await freeOffset('si');
    await sim.occupy(9090 + offset);
    const home = await sim.home('si');
    const run = sim.start(home, { env: { ...offsetLaunch(si, offset).env } });
    await run.waitForLine(si.readyLine);
    expect(run.output()).not.toContain(interfaceLine(9090 + offset));
    expect(run.output()).toContain(interfaceLine(9443 + offset));
    expect(bindFailure.test(run.output())).toBe(false);
    expect(run.output()).not.toMatch(/ERROR/);
  });

  it('a taken store API port logs its interface line, then the msf4j ERROR with the BindException', async () => {
    const offset = await freeOffset('si');
    await sim.occupy(7070 + offset);
    const home = await sim.home('si');
    const run = sim.start(home, { env: { ...offsetLaunch(si, offset).env } });
    await run.waitForLine(si.readyLine);
    expect(run.output()).toMatch(
      new RegExp(
        `port ${7070 + offset}\\n.* ERROR \\{org\\.wso2\\.msf4j\\.internal\\.HttpConnectorPortBindingListener\\} - Error in http server connector\\njava\\.net\\.BindException: Address already in use`,
      ),
    );
    expect(bindFailure.test(run.output())).toBe(true);
    expect(await canConnect(7443 + offset)).toBe(true);
  });

  it('a taken databridge SSL port logs an ERROR and leaves its TCP port closed', async () => {
    const offset = await freeOffset('si');
    await sim.occupy(9711 + offset);
    const home = await sim.home('si');
    const run = sim.start(home, { env: { ...offsetLaunch(si, offset).env } });
    await run.waitForLine(si.readyLine);
    expect(run.output()).toContain(
      'ERROR {org.wso2.carbon.databridge.receiver.binary.internal.BinaryDataReceiver} - Error while starting binary data receiver\njava.net.BindException',
    );
    expect(run.output()).not.toContain('Started Binary TCP Transport');
    expect(await canConnect(9611 + offset)).toBe(false);
    expect(await canConnect(7611 + offset)).toBe(true);
  });

  it('a store API _PORT without its _ID is a configuration error: an ERROR, and never a ready line', async () => {
    const offset = await freeOffset('si');
    const home = await sim.home('si');
    const env = {
      WSO2_CARBON__PORTS_OFFSET: String(offset),
      SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_PORT: String(7070 + offset),
    };
    const run = sim.start(home, { env });
    await run.waitForLine(/ERROR \{org\.wso2\.carbon\.config\.provider\.ConfigProviderImpl\}/);
    // The HTTP listeners come up last, where the ready line would follow them.
    await run.waitForLine(new RegExp(`port ${9443 + offset}$`));
    expect((await get(`http://127.0.0.1:${9090 + offset}/health`)).status).toBe(200);
    expect(run.output()).toContain('LISTENERCONFIGURATIONS_0_PORT set without');
    expect(run.output()).not.toMatch(si.readyLine);
    expect(await canConnect(7070 + offset)).toBe(false);
  });
});

describe('Carbon 5 health in the simulated runtimes', () => {
  it('GET /health answers {"status":"healthy"} over HTTP and HTTPS; WSO2_SIM_NOT_READY_MS holds the listeners back past the ready line', async () => {
    const offset = await freeOffset('ei-analytics');
    const home = await sim.home('ei-analytics');
    const ca = readFileSync(join(home.home, carbon5Layout.cert), 'utf8');
    const run = sim.start(home, { env: { ...offsetLaunch(ei, offset).env, WSO2_SIM_NOT_READY_MS: '3000' } });
    await run.waitForLine(ei.readyLine);
    const health = `http://127.0.0.1:${9090 + offset}${ei.readiness.path}`;
    expect(await getFailure(health)).toBe('ECONNREFUSED');
    await waitFor('/health to answer', async () => (await getFailure(health)) === 'answered');
    const answer = await get(health);
    expect(answer).toEqual({ status: 200, body: '{"status":"healthy"}' });
    expect(answer.body).toMatch(ei.readiness.body as RegExp);
    expect(await get(`https://localhost:${9443 + offset}/health`, { ca })).toEqual(answer);
    expect((await get(`http://127.0.0.1:${9090 + offset}/siddhi-apps`)).status).toBe(404);
  });
});
