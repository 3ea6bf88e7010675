import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rendered } from '../../src/export/model.js';
import { renderSystemd, secretEnvFile, unitName } from '../../src/export/systemd.js';
import { writeFiles } from '../../src/export/write-files.js';
import { tempDir } from '../helpers/fake-home.js';
import { exampleFleet, type Fleet, hardFleet, secretValue } from './fleets.js';
import { commandArgs, environment, settings } from './unit-file.js';

/** `systemd-analyze verify` passes only when it exits 0 and prints nothing (scale-out.md §4). */
async function verify(folder: string, names: readonly string[]) {
  const files = names.map((name) => path.join(folder, name));
  const result = await execa('systemd-analyze', ['verify', ...files], { reject: false, all: true });
  return { exitCode: result.exitCode, output: String(result.all ?? '') };
}

async function written(rendered: Rendered): Promise<string> {
  const folder = await tempDir('wso2-export-units-');
  await writeFiles(folder, rendered.files);
  return folder;
}

describe.each([
  ['the example manifest', exampleFleet],
  ['the hard manifest', hardFleet],
])('export systemd of %s', (_, make) => {
  let fleet: Fleet;
  let rendered: Rendered;
  let folder: string;
  beforeAll(async () => {
    fleet = await make();
    rendered = renderSystemd(fleet.model, { user: 'wso2carbon' });
    folder = await written(rendered);
  });
  const unit = (name: string) => rendered.files.get(unitName(name)) as string;

  it('passes systemd-analyze verify without a word', async () => {
    const result = await verify(folder, [...rendered.files.keys()]);
    expect(result).toEqual({ exitCode: 0, output: '' });
  });

  it('starts each script in the foreground with the offset argument and the manifest arguments, intact', () => {
    for (const instance of fleet.model.instances) {
      const [start] = settings(unit(instance.name), 'ExecStart');
      expect(commandArgs(start as string)).toEqual(['/bin/sh', instance.script, ...instance.args]);
      expect(unit(instance.name)).toContain('Type=simple');
      expect(unit(instance.name)).not.toMatch(/PIDFile|Type=forking|KillMode=mixed/);
    }
  });

  it('gives each service its environment back exactly, secrets excepted', () => {
    for (const instance of fleet.model.instances) {
      const env = environment(unit(instance.name));
      const expected = Object.fromEntries(
        Object.entries(instance.env).filter(([n]) => !instance.secretEnv.includes(n)),
      );
      expect(env).toMatchObject(expected);
      for (const name of instance.secretEnv) expect(env).not.toHaveProperty(name);
      expect(settings(unit(instance.name), 'EnvironmentFile')).toEqual(
        instance.secretEnv.length > 0 ? [secretEnvFile(instance.name)] : [],
      );
    }
  });

  it('never writes a secret-looking value', () => {
    for (const text of rendered.files.values()) expect(text).not.toContain(secretValue);
  });

  it('requires and orders after each dependency, and waits for readiness before it counts as started', () => {
    for (const instance of fleet.model.instances) {
      const text = unit(instance.name);
      const deps = instance.dependsOn.map(unitName);
      expect(settings(text, 'Requires')).toEqual(deps.length > 0 ? [deps.join(' ')] : []);
      expect(settings(text, 'After')).toEqual([['network-online.target', ...deps].join(' ')]);
      const [gate] = settings(text, 'ExecStartPost');
      const script = commandArgs(gate as string)[2] as string;
      const probe = instance.probes.readiness;
      if (probe.kind === 'http') expect(script).toContain(probe.url);
      else for (const port of probe.ports) expect(script).toContain(`nc -z 127.0.0.1 ${port}`);
      expect(settings(text, 'TimeoutStartSec')).toEqual([String(instance.startTimeoutSeconds)]);
      expect(settings(text, 'TimeoutStopSec')).toEqual([String(instance.stopTimeoutSeconds)]);
    }
  });

  it('restarts always unless the policy is never, and installs only the autostart instances', () => {
    for (const instance of fleet.model.instances) {
      const text = unit(instance.name);
      expect(settings(text, 'Restart')).toEqual([instance.restart.policy === 'never' ? 'no' : 'always']);
      expect(settings(text, 'StartLimitBurst')).toEqual([String(instance.restart.maxRestarts + 1)]);
      expect(settings(text, 'WantedBy')).toEqual(instance.autostart ? ['wso2-fleet.target'] : []);
    }
    expect(rendered.notCarried.map((n) => n.what)).toContain('BindException detection');
  });
});

describe('the systemd checks', () => {
  it('see what systemd-analyze verify only prints, and a missing dependency', async () => {
    const fleet = await hardFleet();
    const rendered = renderSystemd(fleet.model, { user: 'wso2carbon' });
    const folder = await written(rendered);
    const orders = path.join(folder, unitName('orders'));
    await writeFile(
      orders,
      (await readFile(orders, 'utf8')).replace('[Service]', '[Service]\nExecRestart=/bin/true'),
    );
    const unknownKey = await verify(folder, [...rendered.files.keys()]);
    expect(unknownKey.exitCode).toBe(0);
    expect(unknownKey.output).toContain("Unknown key 'ExecRestart'");
    await rm(path.join(folder, unitName('gateway')));
    const missing = await verify(folder, [unitName('orders')]);
    expect(missing.exitCode, missing.output).not.toBe(0);
  });

  it('find a secret in clear when it is not recognised as one', async () => {
    const fleet = await hardFleet();
    const blind = { ...fleet.model, instances: fleet.model.instances.map((i) => ({ ...i, secretEnv: [] })) };
    const text = [...renderSystemd(blind, { user: 'wso2carbon' }).files.values()].join('\n');
    expect(text).toContain(secretValue);
  });

  it('read a quoted value back as systemd does, and refuse an unbalanced quote', async () => {
    const { words } = await import('./unit-file.js');
    expect(words('"A=x \\"y\\" 100%%" B=2')).toEqual(['A=x "y" 100%', 'B=2']);
    expect(() => words('"A=x')).toThrow(/unbalanced/);
  });
});
