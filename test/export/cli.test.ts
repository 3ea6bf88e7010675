import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';

const secret = 'cli-s3cret-value';
const plainValue = 'visible only in files';

describe('wso2-supervisor export', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    await fakeHome(root, 'gw', 'apim');
    await fakeHome(root, 'mi', 'mi');
    await fakeHome(root, 'si', 'si', { configOffset: 0 });
    await writeManifest(root, {
      instances: [
        { name: 'gateway', product: 'apim', home: 'gw', env: { API_TOKEN: secret, NOTE: plainValue } },
        { name: 'orders', product: 'mi', home: 'mi', dependsOn: ['gateway'], autostart: false },
        { name: 'streams', product: 'si', home: 'si' },
      ],
    });
  });

  it('lists files, instances and what was not carried over in --json, with no env value', async () => {
    const result = await runCli(['export', 'compose', '--json', '--image', 'mi=example/mi:1'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(secret);
    expect(result.stdout).not.toContain(plainValue);
    const document = JSON.parse(result.stdout) as {
      files: string[];
      instances: { name: string; image: string; envNames: string[]; secretEnvNames: string[] }[];
      notCarried: { what: string }[];
    };
    expect(document.files).toEqual(['compose.yaml']);
    expect(document.instances.map((i) => i.name)).toEqual(['gateway', 'orders', 'streams']);
    expect(document.instances[0]?.secretEnvNames).toEqual(['API_TOKEN']);
    expect(document.instances[1]?.image).toBe('example/mi:1');
    expect(document.notCarried.map((n) => n.what)).toContain('port ownership after ready');
  });

  it('writes the units into --out and prints what it could not carry over', async () => {
    const out = path.join(root, 'units');
    const result = await runCli(['export', 'systemd', '--out', out, '--user', 'wso2carbon'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'wso2-fleet.target',
      'wso2-gateway.service',
      'wso2-orders.service',
      'wso2-streams.service',
    ]);
    expect(result.stdout).toContain('Not carried over');
    expect(result.stdout).toContain('exponential backoff');
  });

  it('prints the files on stdout without --out, and the losses on stderr', async () => {
    const result = await runCli(['export', 'kubernetes'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('==> gateway.yaml <==');
    expect(result.stdout).toContain('kind: Deployment');
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).toContain('Not carried over');
  });

  it('refuses an unknown target or image key with exit 2', async () => {
    const target = await runCli(['export', 'nomad'], { cwd: root });
    expect(target.exitCode).toBe(2);
    expect(target.stderr).toContain('kubernetes, systemd, compose');
    const image = await runCli(['export', 'compose', '--json', '--image', 'esb=x:1'], { cwd: root });
    expect(image.exitCode).toBe(2);
    expect(JSON.parse(image.stdout)).toMatchObject({ ok: false, error: 'usage' });
  });
});
