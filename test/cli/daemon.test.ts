import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../../scripts/make-home.js';
import { groupMembers, isRunning } from '../../src/process/proc-stat.js';
import { cliPath } from '../helpers/cli.js';
import { serversOf } from '../helpers/processes.js';
import { simRoot } from '../helpers/sim-root.js';
import { waitFor } from '../helpers/wait-for.js';

interface Snapshot {
  name: string;
  pid?: number;
  pgid?: number;
  machine: { state: string };
}

/** The daemon and its control commands, through the real binary against a real daemon (issue 10). */
describe('wso2-supervisor up -d and control commands', () => {
  let root = '';
  afterEach(async () => {
    await cli(['down']);
    const state = readState();
    for (const i of Object.values(state?.instances ?? {}))
      if (i.pgid) for (const p of groupMembers(i.pgid)) process.kill(p.pid, 'SIGKILL');
  });

  const cli = (args: string[]) =>
    execa(process.execPath, [cliPath, ...args], { cwd: root, reject: false, env: { NO_COLOR: '1' } });
  const readState = (): { supervisor: { pid: number }; instances: Record<string, Snapshot> } | undefined => {
    try {
      return JSON.parse(readFileSync(path.join(root, 'state', 'state.json'), 'utf8'));
    } catch {
      return undefined;
    }
  };

  async function setUp(names: string[]) {
    root = await simRoot(names);
  }

  it('starts as a daemon once, answers only on a private socket, and takes start, stop, restart and down', async () => {
    await setUp(['one', 'two']);
    const up = await cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    expect(String(up.stdout)).toMatch(/All 2 instances running \(supervisor pid (\d+)\)/);
    const daemonPid = readState()?.supervisor.pid as number;

    // Again, as `docker compose up -d`: the manifest is applied, nothing is started twice.
    const again = await cli(['up', '-d']);
    expect(again.exitCode, `${again.stdout}${again.stderr}`).toBe(0);
    expect(String(again.stdout)).toContain(
      `Supervisor already running (pid ${daemonPid}); manifest applied: no change.`,
    );
    expect(String(again.stdout)).toMatch(/All 2 instances running/);

    expect(statSync(path.join(root, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(root, 'state', 'supervisor.sock')).mode & 0o777).toBe(0o600);

    const status = await cli(['status', '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(String(status.stdout))).toMatchObject({ supervised: true, supervisorPid: daemonPid });

    const stop = await cli(['stop', 'one', '--json']);
    expect(stop.exitCode).toBe(0);
    expect(JSON.parse(String(stop.stdout)).instances[0].machine.state).toBe('stopped');
    // A stopped autostart instance is started by `up -d`, which follows it until it runs.
    const reup = await cli(['up', '-d']);
    expect(reup.exitCode, `${reup.stdout}${reup.stderr}`).toBe(0);
    expect(String(reup.stdout)).toMatch(/one: (starting|running)/);
    expect(readState()?.instances.one?.machine.state).toBe('running');
    await cli(['stop', 'one']);
    const start = await cli(['start', 'one']);
    expect(start.exitCode).toBe(0);
    expect(String(start.stdout)).toMatch(/one\s+running/);
    expect((await cli(['restart', 'ghost'])).exitCode).toBe(2);
    expect((await cli(['restart'])).exitCode).toBe(2);

    const pgids = Object.values(readState()?.instances ?? {}).map((i) => i.pgid as number);
    const down = await cli(['down']);
    expect(down.exitCode).toBe(0);
    for (const pgid of pgids) expect(groupMembers(pgid)).toEqual([]);
    expect(isRunning(daemonPid)).toBe(false);
    expect((await cli(['stop', '--all'])).exitCode).toBe(4);
    const after = await cli(['status']);
    expect(after.exitCode).toBe(4);
    expect(String(after.stdout)).toMatch(/NOT SUPERVISED/);
  }, 150_000);

  it('leaves a consistent state after 20 concurrent restarts: one server per instance, all running', async () => {
    await setUp(['one', 'two']);
    expect((await cli(['up', '-d'])).exitCode).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, k) => cli(['restart', k % 2 ? 'one' : 'two'])),
    );
    expect(results.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    const status = JSON.parse(String((await cli(['status', '--json'])).stdout)) as {
      instances: { name: string; state: string }[];
    };
    expect(status.instances.map((i) => i.state)).toEqual(['running', 'running']);
    expect(serversOf(path.join(root, 'one'))).toBe(1);
    expect(serversOf(path.join(root, 'two'))).toBe(1);
  });

  it('after kill -9 of the daemon, up -d cleans the stale socket and lock and re-adopts without duplicates', async () => {
    await setUp(['one']);
    expect((await cli(['up', '-d'])).exitCode).toBe(0);
    const before = readState();
    process.kill(before?.supervisor.pid as number, 'SIGKILL');
    expect(statSync(path.join(root, 'state', 'supervisor.sock')).isSocket()).toBe(true); // left behind
    expect((await cli(['status'])).exitCode).toBe(4);

    const up = await cli(['up', '-d']);
    expect(up.exitCode).toBe(0);
    const after = readState();
    expect(after?.supervisor.pid).not.toBe(before?.supervisor.pid);
    expect(after?.instances.one?.pid).toBe(before?.instances.one?.pid);
    expect(serversOf(path.join(root, 'one'))).toBe(1);
  });

  it('reloads: starts added instances, stops removed ones, restarts changed ones, touches no other', async () => {
    await setUp(['one', 'two', 'four']);
    expect((await cli(['up', '-d'])).exitCode).toBe(0);
    const before = readState()?.instances ?? {};
    const file = path.join(root, 'instances.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    await makeHome({ product: 'mi', home: path.join(root, 'three') });

    // An invalid manifest changes nothing and says why.
    writeFileSync(
      file,
      JSON.stringify({
        ...manifest,
        instances: [...manifest.instances, { name: 'x', product: 'mi', home: 'three', dependOn: [] }],
      }),
    );
    const invalid = await cli(['reload']);
    expect(invalid.exitCode).toBe(2);
    expect(String(invalid.stderr)).toMatch(/\$\.instances\[3\]\.dependOn: unknown key/);
    expect(readState()?.instances.four?.pid).toBe(before.four?.pid);

    manifest.instances = [
      manifest.instances[0],
      { ...manifest.instances[1], stopTimeoutSeconds: 5 },
      { name: 'three', product: 'mi', home: 'three' },
    ];
    writeFileSync(file, JSON.stringify(manifest));
    const reload = await cli(['reload', '--json']);
    expect(reload.exitCode).toBe(0);
    expect(JSON.parse(String(reload.stdout))).toMatchObject({
      added: ['three'],
      removed: ['four'],
      changed: [],
      // A stop timeout is nothing the JVM sees: applied to the running instance, no restart.
      retuned: ['two'],
      unchanged: ['one'],
    });
    await waitFor('three and two running', () => {
      const now = readState()?.instances ?? {};
      return now.three?.machine.state === 'running' && now.two?.machine.state === 'running';
    });
    const after = readState()?.instances ?? {};
    expect(after.one?.pid).toBe(before.one?.pid);
    expect(after.two?.pid).toBe(before.two?.pid);
    expect(after.four).toBeUndefined();
    expect(groupMembers(before.four?.pgid as number)).toEqual([]);
  });

  it('refuses a garbage control request and keeps serving', async () => {
    await setUp(['one']);
    expect((await cli(['up', '-d'])).exitCode).toBe(0);
    const socket = path.join(root, 'state', 'supervisor.sock');
    const { request } = await import('node:http');
    const ask = (method: string, route: string, body: string) =>
      new Promise<number>((resolve) => {
        const r = request({ socketPath: socket, method, path: route }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on('error', () => resolve(-1));
        r.end(body);
      });
    expect(await ask('POST', '/v1/start', 'not json')).toBe(400);
    expect(await ask('POST', '/v1/start', JSON.stringify({ names: ['one'], run: 'rm -rf /' }))).toBe(400);
    expect(await ask('POST', '/v1/exec', '{}')).toBe(404);
    expect(await ask('POST', '/v1/start', 'x'.repeat(100_000))).not.toBe(200);
    expect((await cli(['status'])).exitCode).toBe(0);
  });
});
