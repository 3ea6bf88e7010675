import type { Server } from 'node:net';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';
import { freeOffset } from '../helpers/free-offset.js';
import { closeServer, listenOn } from '../helpers/listen.js';

interface PlanDocument {
  ok: boolean;
  instances: {
    name: string;
    offset: number;
    why: string;
    reason: { kind: string };
    ports: { port: number; state: string }[];
  }[];
  problems: { kind: string; message: string; port?: number; holder?: { pid: number } }[];
}

describe('wso2-supervisor plan and ports', () => {
  let root: string;
  const servers: Server[] = [];
  beforeAll(async () => {
    root = await tempDir();
    await fakeHome(root, 'mi-a', 'mi');
    await fakeHome(root, 'mi-b', 'mi');
    await fakeHome(root, 'am', 'apim');
    await fakeHome(root, 'mi-toml', 'mi', { configOffset: 3 });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer));
  });

  const planOf = async (manifest: unknown, args: string[] = ['plan', '--json']) => {
    await writeManifest(root, manifest);
    const result = await runCli(args, { cwd: root });
    return { result, doc: args.includes('--json') ? (JSON.parse(result.stdout) as PlanDocument) : undefined };
  };

  it('moves an automatic offset past a port a real listener holds, and names the holder', async () => {
    const offset = await freeOffset('mi', 2);
    servers.push(await listenOn(8280 + offset));
    const manifest = {
      offsets: { min: offset, max: offset + 1 },
      instances: [{ name: 'a', product: 'mi', home: 'mi-a' }],
    };
    const { result, doc } = await planOf(manifest);
    expect(result.exitCode).toBe(0);
    expect(doc?.instances[0]).toMatchObject({
      offset: offset + 1,
      reason: { kind: 'moved', from: offset, port: 8280 + offset },
    });
    expect(doc?.instances[0]?.why).toMatch(new RegExp(`port ${8280 + offset} in use by pid ${process.pid}`));
    expect(doc?.instances[0]?.ports.every((p) => p.state === 'free')).toBe(true);
  });

  it('fails with exit 3 when a pinned instance wants a busy port, naming the port and the holder pid', async () => {
    const offset = await freeOffset('mi');
    servers.push(await listenOn(9191 + offset));
    const manifest = { instances: [{ name: 'pinned', product: 'mi', home: 'mi-a', offset }] };
    const { result } = await planOf(manifest, ['plan']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(new RegExp(`${9191 + offset}\\(busy\\)`));
    expect(result.stderr).toMatch(
      new RegExp(
        `port ${9191 + offset} of pinned \\(pinned offset ${offset}\\) is in use by pid ${process.pid}`,
      ),
    );
    const { doc } = await planOf(manifest);
    expect(doc?.ok).toBe(false);
    expect(doc?.problems[0]).toMatchObject({
      kind: 'pinned-port-busy',
      port: 9191 + offset,
      holder: { pid: process.pid },
    });
  });

  it('fails with exit 3 when two pins intersect, naming both instances and the shared ports', async () => {
    const offset = await freeOffset(['mi', 'apim']);
    const manifest = {
      instances: [
        { name: 'gw', product: 'apim', home: 'am', offset },
        { name: 'orders', product: 'mi', home: 'mi-a', offset },
      ],
    };
    const { result } = await planOf(manifest, ['plan']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(`gw and orders both want ports ${8280 + offset}, ${8243 + offset}`),
    );
  });

  it('takes [server] offset from deployment.toml as the pin and says so', async () => {
    const { result, doc } = await planOf({ instances: [{ name: 't', product: 'mi', home: 'mi-toml' }] });
    expect(result.exitCode).toBe(0);
    expect(doc?.instances[0]).toMatchObject({
      offset: 3,
      why: 'pinned by [server] offset in conf/deployment.toml',
    });
  });

  it('prints a readable table with offsets, reasons and ports', async () => {
    const offset = await freeOffset('mi', 2);
    const manifest = {
      offsets: { min: offset, max: offset + 1 },
      instances: [
        { name: 'first', product: 'mi', home: 'mi-a' },
        { name: 'second', product: 'mi', home: 'mi-b' },
      ],
    };
    const { result } = await planOf(manifest, ['plan']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^INSTANCE\s+PRODUCT\s+OFFSET\s+WHY\s+PORTS/);
    expect(result.stdout).toMatch(
      new RegExp(
        `second\\s+mi\\s+${offset + 1}\\s+moved from ${offset}: port ${8280 + offset} wanted by first`,
      ),
    );
    expect(result.stdout).toMatch(/All 8 ports are free\./);
  });

  it('lists one instance ports with purposes and URL hints, and rejects an unknown name with exit 2', async () => {
    const offset = await freeOffset('apim');
    await writeManifest(root, { instances: [{ name: 'gw', product: 'apim', home: 'am', offset }] });
    const ports = await runCli(['ports', 'gw'], { cwd: root });
    expect(ports.exitCode).toBe(0);
    expect(ports.stdout).toContain(`https://localhost:${9443 + offset}/publisher`);
    expect(ports.stdout).toContain(`https://localhost:${9443 + offset}/devportal`);
    expect(ports.stdout).toMatch(/JMX RMI registry/);
    const unknown = await runCli(['ports', 'nope'], { cwd: root });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/no instance named "nope".*known: gw/);
  });

  it('ends quietly when its reader goes away (plan | head -1): no EPIPE, no stack trace', async () => {
    const offset = await freeOffset('mi');
    await writeManifest(root, {
      offsets: { min: offset, max: offset },
      instances: [{ name: 'a', product: 'mi', home: 'mi-a' }],
    });
    const env = { NO_COLOR: '1' };
    const child = execa(process.execPath, [cliPath, 'plan'], { cwd: root, reject: false, env });
    // The reader is gone before the plan is printed, as `head -1` is once it has its line.
    child.stdout?.destroy();
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stderr)).toBe('');
  });
});
