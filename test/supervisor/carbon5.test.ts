import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { probePorts } from '../../src/ports/probe-ports.js';
import { portsNotHeld } from '../../src/process/port-ownership.js';
import { freeOffset } from '../helpers/free-offset.js';
import { listenOn } from '../helpers/listen.js';
import { leftovers, useSimFleet } from '../helpers/sim-fleet.js';

/**
 * Issue 16: the Carbon 5 runtimes (SI, SI Tooling, EI Analytics 7.1) under the engine, against their
 * simulated homes: the offset through carbon-config's override, fixed store-API ports moved, the silent
 * bind failure caught, crashes restarted, whole trees stopped.
 */
describe('Carbon 5 runtimes', () => {
  const { fleetOf, servers } = useSimFleet();
  const allFree = async (ports: number[]) => [...(await probePorts(ports)).values()].every((s) => s.free);
  const procFile = (pid: number, file: string) =>
    readFile(`/proc/${pid}/${file}`, 'utf8').then((text) => text.split('\0'));
  const inherited = { ...process.env };
  afterEach(() => {
    process.env = { ...inherited };
  });

  it('runs an SI, a Tooling, an EI Analytics, an API-M and an MI together on disjoint port sets', async () => {
    const s = await fleetOf([
      { name: 'gw', product: 'apim' },
      { name: 'mi', product: 'mi' },
      { name: 'si', product: 'si' },
      { name: 'tooling', product: 'si-tooling' },
      { name: 'analytics', product: 'ei-analytics' },
    ]);
    const names = ['gw', 'mi', 'si', 'tooling', 'analytics'];
    const all = names.flatMap((name) => s.ports(name));
    expect(new Set(all).size).toBe(all.length);
    s.fleet.start(names);
    for (const name of names) await s.until(name, (x) => x.machine.state === 'running', 60_000);
    for (const name of names) {
      const { pgid } = s.runner(name).snapshot();
      expect(await portsNotHeld(s.ports(name), pgid as number), name).toEqual([]);
    }
  });

  it('runs two SIs on one host, each on its own store-API ports, the offset set by WSO2_CARBON__PORTS_OFFSET', async () => {
    const s = await fleetOf([
      { name: 'si1', product: 'si' },
      { name: 'si2', product: 'si' },
    ]);
    s.fleet.start(['si1', 'si2']);
    for (const name of ['si1', 'si2']) {
      const running = await s.until(name, (x) => x.machine.state === 'running');
      expect(await portsNotHeld(s.ports(name), running.pgid as number)).toEqual([]);
      const jvm = running.jvmPid as number;
      expect((await procFile(jvm, 'cmdline')).some((arg) => arg.includes('portOffset'))).toBe(false);
      expect(await procFile(jvm, 'environ')).toContain(`WSO2_CARBON__PORTS_OFFSET=${running.offset}`);
    }
    const store = (name: string) =>
      s.plan.instances.find((i) => i.name === name)?.ports.filter((p) => p.follows === 'fixed');
    const [a, b] = [store('si1'), store('si2')];
    expect(a?.map((p) => p.port)).not.toEqual(b?.map((p) => p.port));
    expect([...(a ?? []), ...(b ?? [])].every((p) => p.placement === 'moved')).toBe(true);
  });

  it('keeps inherited Carbon variables from the instance: RUNTIME would pick another config folder', async () => {
    process.env.RUNTIME = 'dashboard';
    process.env.RUNTIME_HOME = '/nonexistent/wso2/dashboard';
    process.env.WSO2_CARBON__PORTS_OFFSET = '3';
    const s = await fleetOf([{ name: 'si', product: 'si' }]);
    s.fleet.start(['si']);
    const running = await s.until('si', (x) => x.machine.state === 'running');
    const environ = await procFile(running.jvmPid as number, 'environ');
    expect(environ.filter((v) => /^(RUNTIME|RUNTIME_HOME)=/.test(v))).toEqual([]);
    expect(environ).toContain(`WSO2_CARBON__PORTS_OFFSET=${running.offset}`);
  });

  it('fails the start of an SI whose HTTP port another process takes, naming the holder, though the SI logs nothing', async () => {
    const s = await fleetOf([{ name: 'si', product: 'si', restart: { policy: 'never' } }]);
    const http = s.ports('si')[0] as number;
    s.fleet.start(['si']);
    // Taken once the script is spawned (after the supervisor's own check), before the JVM binds.
    await s.until('si', (x) => x.pid !== undefined);
    servers.push(await listenOn(http));
    const failed = await s.until('si', (x) => x.machine.state === 'failed' || x.machine.state === 'exited');
    expect(failed.machine.lastExit).toMatchObject({ kind: 'start-failed' });
    // Not the supervisor's check before the launch: the JVM ran, printed no error, and could not bind.
    expect(failed.machine.lastExit?.reason).toContain('could not bind (the runtime logs nothing)');
    expect(failed.machine.lastExit?.reason).toContain(`port ${http} is held by pid ${process.pid}`);
    expect(await leftovers(failed.pgid)).toEqual([]);
  });

  it('restarts a killed Tooling JVM, then stops its whole tree and frees every port', async () => {
    const s = await fleetOf([{ name: 'tooling', product: 'si-tooling' }]);
    s.fleet.start(['tooling']);
    const first = await s.until('tooling', (x) => x.machine.state === 'running');
    process.kill(first.jvmPid as number, 'SIGKILL');
    const again = await s.until(
      'tooling',
      (x) => x.machine.state === 'running' && x.jvmPid !== first.jvmPid && x.jvmPid !== undefined,
    );
    expect(again.machine.restartsTotal).toBe(1);
    expect(again.machine.history?.[0]?.kind ?? again.machine.lastExit?.kind).toBe('crash');
    await s.fleet.stop(['tooling']);
    expect(s.runner('tooling').snapshot().machine).toMatchObject({
      state: 'stopped',
      lastExit: { kind: 'asked' },
    });
    expect(await leftovers(again.pgid)).toEqual([]);
    expect(await allFree(s.ports('tooling'))).toBe(true);
  });

  it("honours an offset pinned in an EI Analytics home's deployment.yaml", async () => {
    const pinned = await freeOffset('ei-analytics');
    const s = await fleetOf([{ name: 'analytics', product: 'ei-analytics', homeOffset: pinned }]);
    expect(s.plan.instances[0]).toMatchObject({ offset: pinned, reason: { kind: 'config' } });
    s.fleet.start(['analytics']);
    const running = await s.until('analytics', (x) => x.machine.state === 'running');
    expect(running.offset).toBe(pinned);
    expect(await portsNotHeld(s.ports('analytics'), running.pgid as number)).toEqual([]);
  });
});
