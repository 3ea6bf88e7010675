import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFile, renderCompose } from '../../src/export/compose.js';
import { containerEnv } from '../../src/export/container-env.js';
import type { Rendered } from '../../src/export/model.js';
import { tempDir } from '../helpers/fake-home.js';
import { exampleFleet, type Fleet, hardFleet, secretValue } from './fleets.js';

interface ComposeService {
  command?: string[];
  environment: Record<string, string | null>;
  ports: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck: { test: string[]; start_period: string; interval: string; retries: number };
  restart: string;
  stop_grace_period: string;
  profiles?: string[];
  logging: { driver: string; options: Record<string, string> };
}

/**
 * Debian's docker-compose 1.29 reads the file as `up` would (no engine needed): with `-q` it only checks;
 * without, it prints the file it understood. A clean environment, so no variable of this shell leaks in.
 */
async function composeConfig(text: string, quiet: boolean) {
  const folder = await tempDir('wso2-export-compose-');
  const file = path.join(folder, composeFile);
  await writeFile(file, text);
  const args = ['-f', file, 'config', ...(quiet ? ['-q'] : [])];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const result = await execa('docker-compose', args, { reject: false, env, extendEnv: false });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe.each([
  ['the example manifest', exampleFleet],
  ['the hard manifest', hardFleet],
])('export compose of %s', (_, make) => {
  let fleet: Fleet;
  let rendered: Rendered;
  let understood: Record<string, ComposeService>;
  beforeAll(async () => {
    fleet = await make();
    rendered = renderCompose(fleet.model);
    const printed = await composeConfig(rendered.files.get(composeFile) as string, false);
    expect(printed.stderr).toBe('');
    understood = (parse(printed.stdout) as { services: Record<string, ComposeService> }).services;
  });

  it('passes docker-compose config -q with nothing on stderr', async () => {
    expect(await composeConfig(rendered.files.get(composeFile) as string, true)).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('publishes every planned port on loopback at its own number', () => {
    for (const instance of fleet.model.instances)
      expect(understood[instance.name]?.ports.sort()).toEqual(
        instance.ports.map((p) => `127.0.0.1:${p.port}:${p.port}/tcp`).sort(),
      );
  });

  it('hands the arguments and the environment over exactly, secrets by name only', () => {
    for (const instance of fleet.model.instances) {
      const service = understood[instance.name] as ComposeService;
      // `config` prints a literal dollar escaped again, as `$$`.
      const literal = (text: string | null) => text?.replace(/\$\$/g, '$') ?? null;
      expect((service.command ?? []).map(literal)).toEqual(instance.args);
      const env = containerEnv(instance);
      for (const [name, value] of Object.entries(env.plain))
        expect(literal(service.environment[name] ?? null)).toBe(value);
      for (const name of instance.secretEnv) expect(service.environment[name]).toBeNull();
      expect(service.environment).not.toHaveProperty('JAVA_HOME');
    }
  });

  it('never writes a secret-looking value', () => {
    expect(rendered.files.get(composeFile)).not.toContain(secretValue);
  });

  it('checks readiness, waits for healthy dependencies, restarts, stops and rotates as the manifest says', () => {
    for (const instance of fleet.model.instances) {
      const service = understood[instance.name] as ComposeService;
      const probe = instance.probes.readiness;
      const test = service.healthcheck.test.join(' ');
      if (probe.kind === 'http') expect(test).toContain(probe.url);
      else for (const port of probe.ports) expect(test).toContain(`nc -z 127.0.0.1 ${port}`);
      expect(service.depends_on ?? {}).toEqual(
        Object.fromEntries(instance.dependsOn.map((d) => [d, { condition: 'service_healthy' }])),
      );
      expect(service.restart).toBe(instance.restart.policy === 'never' ? 'no' : 'unless-stopped');
      expect(service.profiles).toEqual(instance.autostart ? undefined : ['manual']);
      expect(service.logging.options['max-file']).toBe(String(instance.logs.files));
    }
  });
});

describe('the compose checks', () => {
  it('fail on an unknown key, and see an unescaped variable on stderr', async () => {
    const unknown = await composeConfig('services:\n  a:\n    image: x\n    restrat: always\n', true);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('restrat');
    const variable = await composeConfig(
      'services:\n  a:\n    image: x\n    environment:\n      A: $NOT_SET_HERE\n',
      true,
    );
    expect(variable.stderr).toContain('NOT_SET_HERE');
  });
});
