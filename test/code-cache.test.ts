import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { daemonNodeOptions } from '../src/daemon/node-options.js';
import { tempDir } from './helpers/fake-home.js';

const bundles = fileURLToPath(new URL('../dist/bundle/', import.meta.url));
const launcher = path.join(bundles, 'launch.cjs');

/**
 * Runs `launch(bundle)` (src/code-cache.ts, as built) in a Node of its own, without NODE_OPTIONS (V8
 * refuses a code cache made under other flags), and returns what it printed and what became of the cache.
 */
async function launchIn(
  bundle: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  nodeOptions: readonly string[] = [],
) {
  const script = `process.on('exit', () => console.log('cache:' + globalThis.use)); globalThis.use = require(${JSON.stringify(launcher)}).launch(${JSON.stringify(bundle)});`;
  const { NODE_OPTIONS: _options, ...environment } = process.env;
  const result = await execa(process.execPath, [...nodeOptions, '-e', script, '--', ...args], {
    env: { ...environment, ...env },
    extendEnv: false,
    reject: false,
    input: '',
  });
  return { ...result, use: /cache:(\w+)/.exec(String(result.stdout))?.[1] };
}

/** The CLI and the daemon run from V8's code cache made by the build, and as before without one or with a bad one. */
describe('the code cache launcher', () => {
  let root = '';
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A bundle like the CLI's: CommonJS, a relative require, a lazy one of Node's, its own __filename. */
  async function bundle(): Promise<string> {
    root = await tempDir('wso2-supervisor-launch-');
    await mkdir(path.join(root, 'lib'));
    await writeFile(path.join(root, 'lib', 'helper.cjs'), "module.exports = 'helped';\n");
    const file = path.join(root, 'bundle.cjs');
    await writeFile(
      file,
      [
        "const helper = require('./lib/helper.cjs');",
        "setImmediate(() => console.log('ran', helper, __filename, typeof require('node:os').cpus, module.exports === exports));",
      ].join('\n'),
    );
    return file;
  }

  it('writes the cache only when asked, then runs from it; a corrupt cache is refused and the bundle runs', async () => {
    const file = await bundle();
    const ran = `ran helped ${file} function true`;
    const plain = await launchIn(file);
    expect([plain.use, plain.stdout]).toEqual(['none', `${ran}\ncache:none`]);
    await expect(readFile(`${file}.cache`)).rejects.toThrow(/ENOENT/);

    const writing = await launchIn(file, [], { WSO2_SUPERVISOR_WRITE_CODE_CACHE: '1' });
    expect(writing.stdout).toContain(ran);
    expect((await readFile(`${file}.cache`)).length).toBeGreaterThan(0);

    const cached = await launchIn(file);
    expect([cached.use, cached.stdout]).toEqual(['accepted', `${ran}\ncache:accepted`]);

    await writeFile(`${file}.cache`, Buffer.alloc(4096, 7));
    const corrupt = await launchIn(file);
    expect([corrupt.use, corrupt.stdout]).toEqual(['refused', `${ran}\ncache:refused`]);
  });

  it('runs the CLI from the cache `npm run build` made for it', async () => {
    const result = await launchIn(path.join(bundles, 'cli.cjs'), ['--version']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\ncache:accepted$/);
  });

  it('runs a plain status from the cache `npm run build` made for its own bundle', async () => {
    root = await tempDir('wso2-supervisor-launch-');
    const result = await launchIn(path.join(bundles, 'status.cjs'), [
      '--json',
      'status',
      '--state-dir',
      root,
    ]);
    // No supervisor runs for that folder: exit 4, as the whole command line gives.
    expect(result.exitCode, String(result.stderr)).toBe(4);
    expect(result.stdout).toMatch(/"supervised": false[\s\S]*\ncache:accepted$/);
  });

  it("runs the daemon from the cache `npm run build` made for it, under the daemon's V8 flags", async () => {
    // No manifest and nothing on stdin: it refuses at once (exit 1), having started from its cache.
    const result = await launchIn(path.join(bundles, 'daemon-main.cjs'), [], {}, daemonNodeOptions);
    expect([result.exitCode, String(result.stderr)]).toEqual([
      1,
      expect.stringContaining('usage: daemon.cjs'),
    ]);
    expect(result.stdout).toBe('cache:accepted');
  });
});
