import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import type { PortStatus } from '../../src/ports/port-status.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import { readProcStat } from '../../src/process/proc-stat.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';

/**
 * A probe listens on the port for a moment: a JVM still starting that binds it then fails. So `plan`,
 * `describe` or a second `up -d` during a start-up wave must leave the ports of every live recorded run
 * alone. The prober here only records what it was asked (nothing binds, so the offsets are arbitrary).
 */
describe('planning while recorded runs live', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  /** A real process standing in for a start script or a JVM, with its /proc start time. */
  async function liveProcess(): Promise<{ pid: number; startTime: number }> {
    const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    children.push(child);
    const stat = await readProcStat(child.pid as number);
    return { pid: child.pid as number, startTime: stat?.startTime as number };
  }

  async function planWith(records: Record<string, Record<string, unknown>>) {
    const root = await tempDir('wso2-supervisor-plan-live-');
    await writeManifest(root, {
      stateDir: 'state',
      offsets: { min: 3000, max: 3100 },
      instances: [
        { name: 'a', product: 'mi', home: await fakeHome(root, 'a', 'mi') },
        { name: 'b', product: 'apim', home: await fakeHome(root, 'b', 'apim') },
      ],
    });
    await mkdir(path.join(root, 'state'));
    await writeFile(path.join(root, 'state', 'state.json'), JSON.stringify({ instances: records }));
    const probed = new Set<number>();
    const prober = async (ports: readonly number[]) => {
      for (const port of ports) probed.add(port);
      return new Map<number, PortStatus>(ports.map((port) => [port, { free: true }]));
    };
    const result = await planFleet(await loadManifest(path.join(root, 'instances.json')), { prober });
    return { result, probed };
  }

  const portsAt = (product: 'mi' | 'apim', offset: number) =>
    portSet(productOf(product), offset).map((p) => p.port);

  it("never probes a live run's ports, counts them as its own, and probes a dead run's", async () => {
    const script = await liveProcess();
    const dead = { pid: script.pid, startTime: script.startTime - 1 }; // the pid, but not that process
    const { result, probed } = await planWith({
      a: { offset: 3010, pgid: script.pid, startTime: script.startTime },
      b: { offset: 3050, pgid: dead.pid, startTime: dead.startTime },
    });
    const a = result.instances.find((i) => i.name === 'a');
    expect(a?.offset).toBe(3010);
    expect(a?.ports.map((p) => p.state)).toEqual(portsAt('mi', 3010).map(() => 'own'));
    expect(portsAt('mi', 3010).filter((port) => probed.has(port))).toEqual([]);
    expect(portsAt('apim', 3050).every((port) => probed.has(port))).toBe(true);
  });

  it('counts a run as live by its JVM when its start script has ended', async () => {
    const jvm = await liveProcess();
    const { result, probed } = await planWith({
      a: { offset: 3020, pgid: 1 << 22, startTime: 1, jvmPid: jvm.pid, jvmStartTime: jvm.startTime },
    });
    expect(result.instances.find((i) => i.name === 'a')?.ports.every((p) => p.state === 'own')).toBe(true);
    expect(portsAt('mi', 3020).filter((port) => probed.has(port))).toEqual([]);
  });
});
