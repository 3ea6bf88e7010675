import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { probePorts } from '../../src/ports/probe-ports.js';
import { groupMembers } from '../../src/process/proc-stat.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import { cliPath } from '../helpers/cli.js';
import { tempDir, writeManifest } from '../helpers/fake-home.js';
import { freeOffset } from '../helpers/free-offset.js';
import { waitFor } from '../helpers/wait-for.js';

interface StateDoc {
  instances: Record<string, { offset: number; pgid?: number; machine: { state: string } }>;
}

describe('wso2-supervisor up (foreground)', () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  });

  it('brings up two MIs and an API-M with disjoint offsets, and SIGTERM leaves no process and no port behind', async () => {
    const root = await tempDir();
    const jdk = makeJdk(path.join(root, 'jdk'));
    const instances = [
      { name: 'gw', product: 'apim' as const },
      { name: 'one', product: 'mi' as const, dependsOn: ['gw'] },
      { name: 'two', product: 'mi' as const },
    ];
    for (const i of instances) await makeHome({ product: i.product, home: path.join(root, i.name) });
    const base = await freeOffset(['mi', 'apim'], 6);
    await writeManifest(root, {
      stateDir: 'state',
      offsets: { min: base, max: base + 5 },
      defaults: { env: { JAVA_HOME: jdk.javaHome }, stopTimeoutSeconds: 10 },
      instances: instances.map((i) => ({ ...i, home: i.name })),
    });
    const up = execa(process.execPath, [cliPath, 'up'], { cwd: root, reject: false, env: { NO_COLOR: '1' } });
    started.push(up.pid as number);
    const stateFile = path.join(root, 'state', 'state.json');
    let state: StateDoc | undefined;
    await waitFor(
      'all three instances running',
      async () => {
        const { readFile } = await import('node:fs/promises');
        state = JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{"instances":{}}')) as StateDoc;
        return Object.values(state.instances).filter((i) => i.machine.state === 'running').length === 3;
      },
      60_000,
    );
    const planned = Object.entries(state?.instances ?? {}).flatMap(([name, i]) =>
      portSet(productOf(instances.find((x) => x.name === name)?.product ?? 'mi'), i.offset).map(
        (p) => p.port,
      ),
    );
    expect(new Set(planned).size).toBe(planned.length);
    const pgids = Object.values(state?.instances ?? {}).map((i) => i.pgid as number);

    // A plan made while they run keeps their offsets: their ports are their own, not a clash.
    const planned2 = await execa(process.execPath, [cliPath, 'plan', '--json'], { cwd: root, reject: false });
    expect(planned2.exitCode).toBe(0);
    const doc = JSON.parse(String(planned2.stdout)) as {
      instances: { name: string; offset: number; reason: { kind: string }; ports: { state: string }[] }[];
    };
    for (const instance of doc.instances) {
      expect(instance.offset).toBe(state?.instances[instance.name]?.offset);
      expect(instance.reason.kind).toBe('kept');
      expect(new Set(instance.ports.map((p) => p.state))).toEqual(new Set(['own']));
    }

    interface StatusDoc {
      supervised: boolean;
      instances: {
        name: string;
        state: string;
        pid: number | null;
        memoryBytes: number | null;
        health: string;
      }[];
    }
    const status = await execa(process.execPath, [cliPath, 'status', '--json'], { cwd: root, reject: false });
    expect(status.exitCode).toBe(0);
    const live = JSON.parse(String(status.stdout)) as StatusDoc;
    expect(live.supervised).toBe(true);
    for (const instance of live.instances) {
      expect(instance).toMatchObject({ state: 'running', health: 'ok' });
      expect(instance.pid).toBeGreaterThan(0);
      expect(instance.memoryBytes).toBeGreaterThan(0);
    }

    up.kill('SIGTERM');
    const result = await up;
    expect(result.exitCode).toBe(0);
    for (const pgid of pgids) expect(await groupMembers(pgid)).toEqual([]);

    const after = await execa(process.execPath, [cliPath, 'status'], { cwd: root, reject: false });
    expect(after.exitCode).toBe(4);
    expect(String(after.stdout)).toMatch(/NOT SUPERVISED/);
    expect(String(after.stdout)).toMatch(/gw\s+apim\s+stopped/);
    expect([...(await probePorts(planned)).values()].every((s) => s.free)).toBe(true);
    expect(String(result.stdout)).toMatch(/"event":"state".*"to":"running"/);
  });

  it('kills at once on a second signal, even an instance that ignores SIGTERM', async () => {
    const root = await tempDir();
    const jdk = makeJdk(path.join(root, 'jdk'));
    await makeHome({ product: 'mi', home: path.join(root, 'stubborn') });
    const base = await freeOffset('mi', 4);
    await writeManifest(root, {
      stateDir: 'state',
      offsets: { min: base, max: base + 3 },
      defaults: { env: { JAVA_HOME: jdk.javaHome, WSO2_SIM_IGNORE_SIGTERM: '1' }, stopTimeoutSeconds: 60 },
      instances: [{ name: 'stubborn', product: 'mi', home: 'stubborn' }],
    });
    const up = execa(process.execPath, [cliPath, 'up'], { cwd: root, reject: false, env: { NO_COLOR: '1' } });
    started.push(up.pid as number);
    const { readFile } = await import('node:fs/promises');
    let pgid: number | undefined;
    await waitFor('the instance running', async () => {
      const doc = JSON.parse(
        await readFile(path.join(root, 'state', 'state.json'), 'utf8').catch(() => '{}'),
      ) as StateDoc;
      const instance = doc.instances?.stubborn;
      pgid = instance?.pgid;
      return instance?.machine.state === 'running';
    });
    up.kill('SIGTERM');
    await waitFor('the stop to begin', async () =>
      /"to":"stopping"/.test(await readFile(path.join(root, 'state', 'logs', 'supervisor.log'), 'utf8')),
    );
    const secondAt = Date.now();
    up.kill('SIGTERM');
    const result = await up;
    expect(result.exitCode).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(20_000); // not the 60 s stop timeout
    expect(await groupMembers(pgid as number)).toEqual([]);
  });
});
