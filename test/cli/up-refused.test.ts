import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProcesses } from '../../src/process/proc-stat.js';
import { runCli } from '../helpers/cli.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';
import { freeOffset } from '../helpers/free-offset.js';
import { waitFor } from '../helpers/wait-for.js';

/** Processes whose command line names this folder: a daemon started for it would. */
function processesNaming(root: string): number[] {
  return listProcesses()
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(root);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

describe('up -d with a manifest that cannot be planned', () => {
  it('starts nothing: the daemon it started while planning is let go, and nothing holds the state folder', async () => {
    const root = await tempDir();
    await fakeHome(root, 'am', 'apim');
    await fakeHome(root, 'mi-a', 'mi');
    const offset = await freeOffset(['mi', 'apim']);
    await writeManifest(root, {
      stateDir: 'state',
      instances: [
        { name: 'gw', product: 'apim', home: 'am', offset },
        { name: 'orders', product: 'mi', home: 'mi-a', offset },
      ],
    });
    const result = await runCli(['up', '-d'], { cwd: root });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/gw and orders both want ports/);
    expect(result.stderr).toMatch(/Nothing was started\./);
    // The daemon booted while up -d planned; with no plan handed over, it exits having touched nothing,
    // and the state folder made for its output is taken away.
    await waitFor('no process of this folder', () => processesNaming(root).length === 0, 15_000);
    expect(existsSync(path.join(root, 'state'))).toBe(false);
  });

  it('leaves a state folder that was there as it was', async () => {
    const root = await tempDir();
    await fakeHome(root, 'am', 'apim');
    await fakeHome(root, 'mi-a', 'mi');
    const offset = await freeOffset(['mi', 'apim']);
    mkdirSync(path.join(root, 'state', 'logs'), { recursive: true });
    writeFileSync(path.join(root, 'state', 'logs', 'keep.log'), 'earlier\n');
    await writeManifest(root, {
      stateDir: 'state',
      instances: [
        { name: 'gw', product: 'apim', home: 'am', offset },
        { name: 'orders', product: 'mi', home: 'mi-a', offset },
      ],
    });
    expect((await runCli(['up', '-d'], { cwd: root })).exitCode).toBe(3);
    await waitFor('no process of this folder', () => processesNaming(root).length === 0, 15_000);
    expect(readdirSync(path.join(root, 'state', 'logs'))).toEqual(['keep.log']);
    expect(readdirSync(path.join(root, 'state'))).toEqual(['logs']);
  });
});

describe('up -d with a manifest that is not valid', () => {
  it('says where, starts nothing and leaves no state folder behind', async () => {
    const root = await tempDir();
    await fakeHome(root, 'mi-a', 'mi');
    await writeManifest(root, {
      stateDir: 'state',
      instances: [{ name: 'orders', product: 'mi', home: 'mi-a', offset: 'ten' }],
    });
    const result = await runCli(['up', '-d'], { cwd: root });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/instances\[0\]\.offset/);
    await waitFor('no process of this folder', () => processesNaming(root).length === 0, 15_000);
    expect(existsSync(path.join(root, 'state'))).toBe(false);
  });
});

describe('up -d with a manifest that is not there', () => {
  it('says so, with --state-dir too, and starts nothing', async () => {
    const root = await tempDir();
    const result = await runCli(['-f', 'nowhere/instances.json', '--state-dir', 'state', 'up', '-d'], {
      cwd: root,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/manifest nowhere\/instances\.json: no such file/);
    expect(result.stderr).not.toMatch(/Unhandled|at .*\.js:\d+/);
    expect(readdirSync(root)).toEqual([]);
  });
});
