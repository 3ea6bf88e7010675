import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFor } from '../../src/cli/launcher.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fake-home.js';

const bundles = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));

/** The whole command line's bundle, cli.cjs, run on `args` as the launcher would for any other command. */
async function runWholeCli(args: readonly string[], cwd: string) {
  const launch = `require(${JSON.stringify(path.join(bundles, 'launch.cjs'))}).launch(${JSON.stringify(path.join(bundles, 'cli.cjs'))})`;
  const result = await execa(process.execPath, ['-e', launch, '--', ...args], {
    cwd,
    env: { NO_COLOR: '1' },
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * A plain `status` runs from its own small bundle (src/cli/quick-status.ts): whatever it prints and exits
 * with must be what the whole command line gives for the same arguments, errors included.
 */
describe('status from its own bundle', () => {
  let root = '';
  beforeAll(async () => {
    root = await tempDir('wso2-supervisor-quick-status-');
    await mkdir(path.join(root, 'broken'));
    await writeFile(
      path.join(root, 'instances.json'),
      JSON.stringify({ stateDir: 'state', instances: [{ name: 'one', product: 'mi', home: '/nowhere' }] }),
    );
    await writeFile(path.join(root, 'broken', 'instances.json'), '{ "stateDir": "kept", "instances": [ }');
  });

  it.each([
    [['status']],
    [['ps', '--json']],
    [['--json', 'list', 'one']],
    [['ls', 'one']],
    [['-f', 'broken/instances.json', 'status']],
    [['--file=broken/instances.json', '--json', 'status']],
    [['-f', 'missing.json', 'status']],
    [['-f', 'missing.json', '--json', 'status']],
    [['--state-dir', 'elsewhere', 'status', '--json']],
    // The global option wins over the command's own, in both.
    [['-f', 'instances.json', 'status', '-f', 'missing.json']],
    [['--state-dir', 'elsewhere', 'ps', '--state-dir', 'state', '--json']],
  ])('prints and exits as the whole command line for %j', async (args) => {
    // The launcher gives these to status.cjs: compared with cli.cjs, not with itself.
    expect(bundleFor(['node', 'bin.js', ...args], [])).toBe('status.cjs');
    const quick = await runCli(args, { cwd: root });
    const whole = await runWholeCli(args, root);
    expect(quick).toEqual(whole);
    // Nothing runs for these folders: exit 4 (not supervised) or a usage error, never a crash.
    expect([2, 4]).toContain(quick.exitCode);
    expect(quick.stderr).not.toMatch(/failed unexpectedly|\n {4}at /);
  });
});
