import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { useDaemonFolder } from '../helpers/daemon-folder.js';

interface Described {
  name: string;
  supervised: boolean;
  state: string;
  offset: number;
  offsetWhy: string;
  product: { id: string; name: string };
  ports: { port: number; name: string; urls: string[]; placement: string }[];
  readiness: { url: string | null };
  pids: { script: number | null; jvm: number | null; logWriter: number | null };
  logs: { captured: string; carbon: string | null };
  environment: { manifest: string[]; supervisor: string[] };
  restart: { restartsTotal: number; history: { kind: string; reason: string }[] };
}

/** The operator's everyday verbs against a real daemon of simulated MIs (issue 18). */
describe('wso2-supervisor describe, status aliases and a broken manifest, against a running daemon', () => {
  const folder = useDaemonFolder('operator');

  it('describes an instance, lists through ps/ls/list, and still sees and stops the fleet once the manifest is broken', async () => {
    await simMiFleetIn(folder, 'operator', [
      { name: 'one', env: { SECRET_TOKEN: 'hunter2' } },
      { name: 'two' },
    ]);
    const up = await folder.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);

    const shown = await folder.cli(['show', 'one', '--json']);
    expect(shown.exitCode, String(shown.stderr)).toBe(0);
    const one = JSON.parse(String(shown.stdout)) as Described;
    expect(one).toMatchObject({ name: 'one', supervised: true, state: 'running' });
    expect(one.product.id).toBe('mi');
    expect(one.offsetWhy).not.toBe('');
    const http = one.ports.find((p) => p.name === 'https-servlet') ?? one.ports[0];
    expect(http?.placement).toBe(`-DportOffset=${one.offset}`);
    expect(one.ports.some((p) => p.urls.some((u) => /^https?:\/\/localhost:\d+\//.test(u)))).toBe(true);
    expect(one.pids.script).toBeGreaterThan(0);
    expect(one.pids.jvm).toBeGreaterThan(0);
    expect(one.pids.logWriter).toBeGreaterThan(0);
    expect(one.logs.captured).toBe(path.join(folder.root, 'state', 'logs', 'one.log'));
    expect(one.logs.carbon).toBe(path.join(folder.root, 'one', 'repository', 'logs', 'wso2carbon.log'));
    expect(one.environment.manifest).toEqual(['JAVA_HOME', 'SECRET_TOKEN']);
    expect(shown.stdout).not.toContain('hunter2');

    const text = await folder.cli(['describe', 'one']);
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toMatch(/one: .*\(mi\)/);
    expect(String(text.stdout)).toContain(`-DportOffset=${one.offset}`);
    expect(String(text.stdout)).toContain(`JVM           ${one.pids.jvm}`);
    expect(String(text.stdout)).not.toContain('hunter2');

    // A stopped instance: its history says why, its URLs leave the status list, and no (gone) anywhere.
    expect((await folder.cli(['stop', 'two'])).exitCode).toBe(0);
    for (const alias of ['status', 'ps', 'ls', 'list']) {
      const listed = await folder.cli([alias]);
      expect(listed.exitCode, alias).toBe(0);
      expect(String(listed.stdout), alias).toMatch(/^one\s+mi\s+running/m);
      expect(String(listed.stdout), alias).not.toContain('(gone)');
    }
    const status = await folder.cli(['status']);
    expect(String(status.stdout)).toMatch(
      new RegExp(`^one\\s+mi\\s+running\\s+\\d+\\s+${one.pids.jvm}\\s`, 'm'),
    );
    expect(String(status.stdout)).toMatch(/^ {2}one: /m);
    expect(String(status.stdout)).not.toMatch(/^ {2}two: /m);
    expect(String(status.stdout)).toMatch(/asked \d\d:\d\d:\d\d [+-]\d{4}/);
    const two = JSON.parse(String((await folder.cli(['describe', 'two', '--json'])).stdout)) as Described;
    expect(two.state).toBe('stopped');
    expect(two.pids.script).toBeNull();
    expect(two.restart.history.at(-1)?.kind).toBe('asked');

    // A typo in the manifest: everything that needs only the state folder goes on, with one warning.
    await writeFile(path.join(folder.root, 'instances.json'), '{ "stateDir": "state", "instances": [ }');
    const broken = await folder.cli(['ps']);
    expect(broken.exitCode, String(broken.stderr)).toBe(0);
    expect(String(broken.stderr).trim().split('\n')).toHaveLength(1);
    expect(String(broken.stderr)).toMatch(/^warning: manifest .*not valid JSON.*state folder/);
    expect(String(broken.stdout)).toMatch(/^one\s+mi\s+running/m);
    const logs = await folder.cli(['logs', '-n', '5']);
    expect(logs.exitCode, String(logs.stderr)).toBe(0);
    expect(String(logs.stdout)).toMatch(/^one \| /m);
    const described = await folder.cli(['describe', 'one']);
    expect(described.exitCode, String(described.stderr)).toBe(0);
    expect(String(described.stdout)).toContain(`JVM           ${one.pids.jvm}`);
    expect((await folder.cli(['validate'])).exitCode).toBe(2);
    expect((await folder.cli(['stop', 'one'])).exitCode).toBe(0);
    const down = await folder.cli(['down']);
    expect(down.exitCode, String(down.stderr)).toBe(0);
  });
});
