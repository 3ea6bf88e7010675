import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { fakeHome, tempDir, writeManifest } from '../helpers/fake-home.js';

/**
 * Each validation rule: message, JSON path, exit code 2, nothing launched. The cases run the CLI in this
 * process (runCliInProcess: same parsing, command and exit codes, no Node start each); two smoke runs at
 * the end go through the real binary.
 */
describe('wso2-supervisor validate', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
    await fakeHome(root, 'mi-a', 'mi');
    await fakeHome(root, 'mi-b', 'mi');
    await fakeHome(root, 'am', 'apim');
    await fakeHome(root, 'not-exec', 'mi', { executable: false });
  });

  const validate = async (manifest: unknown, file = 'case.json') => {
    await writeManifest(root, manifest, file);
    const text = await runCliInProcess(['-f', file, 'validate'], { cwd: root });
    const json = await runCliInProcess(['-f', file, 'validate', '--json'], { cwd: root });
    return {
      text,
      json,
      doc: JSON.parse(json.stdout) as {
        ok: boolean;
        problems?: { path: string; message: string; hint: string }[];
      },
    };
  };
  const mi = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    product: 'mi',
    home: 'mi-a',
    ...extra,
  });

  it('accepts a good manifest and says how many instances it holds', async () => {
    const { text, doc } = await validate({
      instances: [
        { name: 'gw', product: 'apim', home: 'am' },
        mi('orders', { dependsOn: ['gw'], offset: 12 }),
      ],
    });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/is valid: 2 instances \(1 apim, 1 mi\)/);
    expect(doc.ok).toBe(true);
  });

  const cases: [string, unknown, string, RegExp][] = [
    [
      'an unknown product',
      { instances: [mi('a', { product: 'esb' })] },
      '$.instances[0].product',
      /must be one of mi, apim, si, si-tooling, ei-analytics \(found "esb"\)/,
    ],
    [
      'a name with capitals',
      { instances: [mi('Orders')] },
      '$.instances[0].name',
      /lowercase letters.*found "Orders"/,
    ],
    ['a name longer than 48', { instances: [mi('a'.repeat(49))] }, '$.instances[0].name', /longer than 48/],
    [
      'duplicate names',
      { instances: [mi('a'), mi('a', { home: 'mi-b' })] },
      '$.instances[1].name',
      /duplicate name "a", already used by \$\.instances\[0\]/,
    ],
    [
      'two instances sharing a home',
      { instances: [mi('a'), mi('b')] },
      '$.instances[1].home',
      /also the home of \$\.instances\[0\]/,
    ],
    [
      'a missing home',
      { instances: [mi('a', { home: 'nowhere' })] },
      '$.instances[0].home',
      /nowhere is not a folder/,
    ],
    [
      'a home without the start script',
      { instances: [mi('a', { home: 'am' })] },
      '$.instances[0].home',
      /no start script at .*micro-integrator\.sh/,
    ],
    [
      'a start script that is not executable',
      { instances: [mi('a', { home: 'not-exec' })] },
      '$.instances[0].home',
      /is not executable/,
    ],
    [
      'a fractional offset',
      { instances: [mi('a', { offset: 1.5 })] },
      '$.instances[0].offset',
      /whole number.*found 1\.5/,
    ],
    [
      'an offset beyond 65535',
      { instances: [mi('a', { offset: 60000 })] },
      '$.instances[0].offset',
      /above 65535/,
    ],
    [
      'a dependency on an unknown instance',
      { instances: [mi('a', { dependsOn: ['ghost'] })] },
      '$.instances[0].dependsOn[0]',
      /"ghost", which is not an instance/,
    ],
    [
      'a dependency cycle',
      { instances: [mi('a', { dependsOn: ['b'] }), mi('b', { home: 'mi-b', dependsOn: ['a'] })] },
      '$.instances[0].dependsOn',
      /dependency cycle a -> b -> a/,
    ],
    [
      'a typo in a key',
      { instances: [mi('a', { dependOn: ['b'] })] },
      '$.instances[0].dependOn',
      /unknown key "dependOn"/,
    ],
    [
      'an unknown top-level key',
      { instances: [mi('a')], stateDri: 'x' },
      '$.stateDri',
      /unknown key "stateDri"/,
    ],
    [
      'a missing product',
      { instances: [{ name: 'a', home: 'mi-a' }] },
      '$.instances[0].product',
      /"product" is missing/,
    ],
    [
      'an unknown restart policy',
      { instances: [mi('a', { restart: { policy: 'sometimes' } })] },
      '$.instances[0].restart.policy',
      /"always", "on-failure" or "never"/,
    ],
  ];

  it.each(cases)('rejects %s with its JSON path and exit 2', async (_, manifest, jsonPath, message) => {
    const { text, json, doc } = await validate(manifest);
    expect(text.exitCode).toBe(2);
    expect(json.exitCode).toBe(2);
    expect(text.stderr).toContain(`${jsonPath}: `);
    expect(text.stderr).toMatch(message);
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const problem = doc.problems?.find((p) => p.path === jsonPath);
    expect(problem?.message).toMatch(message);
    expect(problem?.hint.length).toBeGreaterThan(5);
  });

  it('suggests the key a typo meant', async () => {
    const { text } = await validate({ instances: [mi('a', { dependOn: [] })] });
    expect(text.stderr).toContain('Did you mean "dependsOn"?');
  });

  it('reports every problem at once', async () => {
    const { doc, text } = await validate({
      instances: [
        mi('A'),
        mi('b', { product: 'esb', home: 'nowhere' }),
        mi('c', { home: 'mi-b', dependsOn: ['zz'] }),
      ],
    });
    expect(doc.problems?.map((p) => p.path)).toEqual([
      '$.instances[0].name',
      '$.instances[1].home',
      '$.instances[1].product',
      '$.instances[2].dependsOn[0]',
    ]);
    expect(text.stderr).toMatch(/4 problems/);
  });

  it('gives the line and column of malformed JSON', async () => {
    const { text, json } = await validate('{\n  "instances": [\n    { "name": "a", }\n  ]\n}', 'broken.json');
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toMatch(/line 3, column 20: not valid JSON: property name expected/);
    expect(JSON.parse(json.stdout).problems[0].path).toBe('line 3, column 20');
  });

  it('says so when the manifest does not exist, with exit 2', async () => {
    const result = await runCliInProcess(['-f', 'missing.json', 'validate'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing\.json: no such file\. Pass it with -f FILE/);
  });

  it('finds ./instances.json by default', async () => {
    await writeManifest(root, { instances: [mi('a')] }, 'instances.json');
    const result = await runCliInProcess(['validate'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(path.join(root, 'instances.json'));
  });

  it('answers a usage error with exit 2', async () => {
    const result = await runCliInProcess(['frobnicate'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('exits 0 for --help', async () => {
    const result = await runCliInProcess(['--help'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/validate/);
  });

  it("prints package.json's version for --version, exit 0", async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await runCliInProcess(['--version'], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  describe('through the real binary', () => {
    it('accepts a good manifest, exit 0', async () => {
      await writeManifest(root, { instances: [mi('a')] }, 'smoke-good.json');
      const result = await runCli(['-f', 'smoke-good.json', 'validate'], { cwd: root });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/smoke-good\.json is valid: 1 instance \(1 mi\)\./);
      expect(result.stderr).toBe('');
    });

    it('rejects a bad manifest with --json: exit 2, one JSON document on stdout, nothing on stderr', async () => {
      await writeManifest(root, { instances: [mi('a', { product: 'esb' })] }, 'smoke-bad.json');
      const result = await runCli(['-f', 'smoke-bad.json', 'validate', '--json'], { cwd: root });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe('');
      const doc = JSON.parse(result.stdout) as { ok: boolean; problems: { path: string; message: string }[] };
      expect(doc.ok).toBe(false);
      expect(doc.problems).toEqual([
        expect.objectContaining({
          path: '$.instances[0].product',
          message: expect.stringMatching(/found "esb"/),
        }),
      ]);
    });
  });
});
