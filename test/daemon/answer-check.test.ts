import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fake-home.js';

const bundles = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));
const uuid = /"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;
const idsIn = (file: string) => [
  ...new Set([...readFileSync(path.join(bundles, file), 'utf8').matchAll(uuid)].map((m) => m[1])),
];

/**
 * The CLI checks a daemon's answers against the protocol's schemas unless the daemon is of its own build
 * (src/build-id.ts): a daemon left running across an upgrade is told apart, and its answer refused
 * cleanly instead of misread. A stand-in daemon on the state folder's socket answers `status`.
 */
describe("the CLI's check of a daemon's answers", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function daemonAnswering(answer: (stateDir: string) => unknown, build: string): Promise<string> {
    const stateDir = await tempDir('wso2-supervisor-answer-check-');
    const server = http.createServer((_, response) => {
      const text = JSON.stringify(answer(stateDir));
      response.writeHead(200, { 'content-type': 'application/json', 'x-wso2-supervisor-build': build });
      response.end(text);
    });
    await new Promise<void>((resolve) => server.listen(path.join(stateDir, 'supervisor.sock'), resolve));
    cleanups.push(async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(stateDir, { recursive: true, force: true });
    });
    return stateDir;
  }

  it('has one build id, the same in the CLI, status and the daemon bundles', () => {
    expect(idsIn('cli.cjs')).toHaveLength(1);
    expect(idsIn('daemon-main.cjs')).toEqual(idsIn('cli.cjs'));
    expect(idsIn('status.cjs')).toEqual(idsIn('cli.cjs'));
  });

  it("refuses another build's answer that does not fit, saying the versions may differ (exit 1)", async () => {
    const stateDir = await daemonAnswering(() => ({ ok: true, supervisorPid: 'not a pid' }), 'another-build');
    const result = await runCli(['status', '--json', '--state-dir', stateDir]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      route: 'status',
      message: expect.stringMatching(/does not fit this CLI's protocol \(is it another version/),
    });
  });

  it("reads another build's answer that fits", async () => {
    const stateDir = await daemonAnswering(
      (dir) => ({ ok: true, supervisorPid: 4242, stateDir: dir, instances: {}, usage: {} }),
      'another-build',
    );
    const result = await runCli(['status', '--json', '--state-dir', stateDir]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ supervised: true, supervisorPid: 4242, instances: [] });
  });

  it("takes its own build's answer as it comes, unchecked", async () => {
    const [own] = idsIn('cli.cjs');
    // A field no schema allows (a pid that is a string) reaches the output: nothing checked it.
    const stateDir = await daemonAnswering(
      () => ({ ok: true, supervisorPid: 'unchecked', instances: {}, usage: {} }),
      own as string,
    );
    const result = await runCli(['status', '--json', '--state-dir', stateDir]);
    expect(JSON.parse(result.stdout)).toMatchObject({ supervisorPid: 'unchecked' });
  });
});
