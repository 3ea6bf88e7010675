import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import { findStateDir, stateDirOf } from '../../src/manifest/state-dir.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';

// `up` finds the state folder through loadManifest, `status` and the other read-only commands through
// state-dir.ts: they must agree, or `status` looks for a supervisor where `up` did not start one.
describe('the state folder', () => {
  async function manifestIn(stateDir?: string): Promise<string> {
    const root = await tempDir();
    const folder = path.join(root, 'conf');
    mkdirSync(folder);
    await fakeHome(folder, 'mi-a', 'mi');
    return writeManifest(folder, {
      ...(stateDir !== undefined && { stateDir }),
      instances: [{ name: 'orders', product: 'mi', home: 'mi-a' }],
    });
  }

  it("is the manifest's stateDir, relative to the manifest, for up and status alike", async () => {
    const file = await manifestIn('run/state');
    const expected = path.join(path.dirname(file), 'run', 'state');
    expect((await loadManifest(file)).stateDir).toBe(expected);
    expect(await stateDirOf(file, undefined)).toBe(expected);
    expect((await findStateDir(file, undefined)).stateDir).toBe(expected);
  });

  it('is .wso2-supervisor next to the manifest when it says none', async () => {
    const file = await manifestIn();
    const expected = path.join(path.dirname(file), '.wso2-supervisor');
    expect((await loadManifest(file)).stateDir).toBe(expected);
    expect(await stateDirOf(file, undefined)).toBe(expected);
  });

  it('is --state-dir relative to the working directory, as any path argument, for up and status alike', async () => {
    const file = await manifestIn('run/state');
    const expected = path.resolve('elsewhere/state');
    expect((await loadManifest(file, 'elsewhere/state')).stateDir).toBe(expected);
    expect(await stateDirOf(file, 'elsewhere/state')).toBe(expected);
    expect((await findStateDir(file, 'elsewhere/state')).stateDir).toBe(expected);
  });
});
