import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutputFolder } from '../../src/daemon/output-folder.js';
import { tempDir } from '../helpers/fake-home.js';

// up -d makes these before it knows the daemon will run; a daemon let go takes them away, and only them.
describe("a starting daemon's output folder", () => {
  it('is taken away whole when every folder up to it was made for it', async () => {
    const root = await tempDir();
    const output = await makeOutputFolder(path.join(root, 'a', 'b', 'state'));
    writeFileSync(output.file, '');
    output.undo();
    expect(readdirSync(root)).toEqual([]);
  });

  it('leaves what another process put there meanwhile, and the folders holding it', async () => {
    const root = await tempDir();
    const stateDir = path.join(root, 'a', 'state');
    const output = await makeOutputFolder(stateDir);
    writeFileSync(output.file, '');
    writeFileSync(path.join(stateDir, 'state.json'), '{}'); // a concurrent up -d's daemon
    output.undo();
    expect(readdirSync(stateDir)).toEqual(['state.json']);
    expect(existsSync(path.join(root, 'a'))).toBe(true);
  });

  it('leaves a folder that was there, and output that is not empty', async () => {
    const root = await tempDir();
    mkdirSync(path.join(root, 'state'));
    const output = await makeOutputFolder(path.join(root, 'state'));
    writeFileSync(output.file, 'the daemon said something\n');
    output.undo();
    expect(readdirSync(path.join(root, 'state', 'logs'))).toEqual(['daemon.out']);
  });

  it('leaves a daemon.out that was there before, even empty', async () => {
    const root = await tempDir();
    mkdirSync(path.join(root, 'state', 'logs'), { recursive: true });
    writeFileSync(path.join(root, 'state', 'logs', 'daemon.out'), '');
    const output = await makeOutputFolder(path.join(root, 'state'));
    output.undo();
    expect(readdirSync(path.join(root, 'state', 'logs'))).toEqual(['daemon.out']);
  });
});
