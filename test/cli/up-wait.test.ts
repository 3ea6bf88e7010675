import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Member, simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type DaemonFolder, useDaemonFolder } from '../helpers/daemon-folder.js';
import { waitFor } from '../helpers/wait-for.js';

/** What `status --json` prints, with the fields these tests read. */
interface Status {
  supervised: boolean;
  supervisorPid: number | null;
  instances: {
    name: string;
    state: string;
    detail: string;
    restarts: number;
    wait: { kind: string; since: number; on?: string; state?: string } | null;
  }[];
}

const fleetIn = (folder: DaemonFolder, members: readonly Member[], defaults: Record<string, unknown> = {}) =>
  simMiFleetIn(folder, 'up-wait', members, defaults);

/** a <- b <- c: each starts only once the one before runs, and takes `delayMs` to become ready. */
const chain = (delayMs: number, startTimeoutSeconds: number): Member[] =>
  ['a', 'b', 'c'].map((name, k) => ({
    name,
    ...(k > 0 && { dependsOn: [['a', 'b'][k - 1]] }),
    env: { WSO2_SIM_STARTUP_DELAY_MS: String(delayMs) },
    startTimeoutSeconds,
  }));

async function status(folder: DaemonFolder): Promise<Status> {
  const result = await folder.cli(['status', '--json']);
  expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
  return JSON.parse(String(result.stdout)) as Status;
}

const byName = (s: Status) => Object.fromEntries(s.instances.map((i) => [i.name, i]));

async function untilAllRunning(folder: DaemonFolder, timeoutMs = 90_000): Promise<Status> {
  let last: Status | undefined;
  await waitFor(
    'every instance running (status --json)',
    async () => {
      last = await status(folder);
      return last.instances.every((i) => i.state === 'running');
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last status: ${JSON.stringify(last?.instances)}`);
  });
  return last as Status;
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

describe('up -d follows each instance, not a fleet-wide deadline', () => {
  const t = useDaemonFolder('up-wait');

  it('follows a dependency chain longer than any one startTimeoutSeconds to its end, showing each wait', async () => {
    // Each start has 5 s of slack over its own 3 s ready-up, for a loaded machine.
    await fleetIn(t, chain(3_000, 8));
    const { result: up, ms } = await timed(() => t.cli(['up', '-d']));
    const out = String(up.stdout);
    expect(up.exitCode, `${out}${up.stderr}`).toBe(0);
    // Three ready-ups of 3 s each, in turn: the whole took longer than a's, b's or c's 8 s of its own.
    expect(ms, out).toBeGreaterThan(9_000);
    expect(out).toMatch(/^All 3 instances running \(supervisor pid \d+\)\.$/m);

    const waitingLine = /^b: waiting \(waiting for a \(starting\) since \d+ s ago\)$/m;
    const runningLine = /^b: running \(ready for \d+ s\)$/m;
    expect(out).toMatch(waitingLine);
    expect(out).toMatch(runningLine);
    expect(out.search(waitingLine)).toBeLessThan(out.search(runningLine));
    expect(out).toMatch(/^c: waiting \(waiting for b \((waiting|starting)\) since \d+ s ago\)$/m);
    expect(out).toMatch(/^c: running \(ready for \d+ s\)$/m);
    expect(out).toMatch(/^a: running \(ready for \d+ s\)$/m);

    // status --json: running instances wait for nothing, and say since when they are ready.
    const after = await status(t);
    expect(after.supervised).toBe(true);
    for (const i of after.instances) {
      expect(i, JSON.stringify(i)).toMatchObject({ state: 'running', wait: null });
      expect(i.detail).toMatch(/^ready for \d+ s$/);
    }
    const table = await t.cli(['status']);
    expect(table.exitCode).toBe(0);
    expect(String(table.stdout)).toMatch(/^NAME\s+PRODUCT\s+STATE\s+.*\bHEALTH\s+DETAIL\s+LAST-EXIT$/m);
    expect(String(table.stdout)).toMatch(/^b\s+mi\s+running\s.*\bready for \d+ s\b/m);
  }, 120_000);

  it('--wait-timeout gives up promptly, names what is still on its way, and the supervisor carries on', async () => {
    // b takes 20 s to be ready: c still waits for it long after up -d has given up, however slow the
    // machine is to start the supervisor.
    const slow = chain(3_000, 60).map((m) =>
      m.name === 'b' ? { ...m, env: { WSO2_SIM_STARTUP_DELAY_MS: '20000' } } : m,
    );
    await fleetIn(t, slow);
    const up = await t.cli(['up', '-d', '--wait-timeout', '1']);
    const out = String(up.stdout);
    // It gave up while the chain was on its way: c, last of it, still waited (below), whatever the load.
    expect(up.exitCode, `${out}${up.stderr}`).toBe(1);
    expect(out).toMatch(/Gave up waiting after --wait-timeout 1s; the supervisor carries on with:/);
    expect(out).toMatch(/^ {2}a: starting \(.+\)$/m);
    expect(out).toMatch(/^ {2}b: waiting \(waiting for a \(starting\) since \d+ s ago\)$/m);
    expect(out).toMatch(/^ {2}c: waiting \(waiting for b \(waiting\) since \d+ s ago\)$/m);
    expect(out).toMatch(/Follow it with: wso2-supervisor status/);

    // Still on their way: status shows what each waits for, as a sentence and as facts.
    const table = await t.cli(['status']);
    expect(table.exitCode).toBe(0);
    expect(String(table.stdout)).toMatch(/^NAME\s+PRODUCT\s+STATE\s+.*\bHEALTH\s+DETAIL\s+LAST-EXIT$/m);
    expect(String(table.stdout)).toMatch(
      /^c\s+mi\s+waiting\s.*\bwaiting for b \((waiting|starting)\) since/m,
    );
    const during = byName(await status(t));
    expect(during.c?.state).toBe('waiting');
    expect(during.c?.wait).toMatchObject({ kind: 'dependency', on: 'b', since: expect.any(Number) });
    expect(during.c?.detail).toMatch(/^waiting for b \((waiting|starting)\) since \d+ s ago$/);
    expect(typeof during.a?.detail).toBe('string');

    const after = await untilAllRunning(t);
    expect(after.supervised).toBe(true);
    for (const i of after.instances) expect(i).toMatchObject({ state: 'running', wait: null });
  }, 150_000);

  it('--wait-timeout abc is a usage error: exit 2, nothing started', async () => {
    await fleetIn(t, [{ name: 'a' }]);
    const up = await t.cli(['up', '-d', '--wait-timeout', 'abc']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(2);
    expect(String(up.stderr)).toMatch(/--wait-timeout.*"abc"/);
    expect(existsSync(path.join(t.root, 'state', 'supervisor.sock'))).toBe(false);
    expect((await t.cli(['status'])).exitCode).toBe(4);
  });

  it('a dependency that fails fails its dependents at once: up -d exits 1 promptly', async () => {
    await fleetIn(t, [
      { name: 'a', env: { WSO2_SIM_CRASH_AFTER_MS: '100' }, restart: { policy: 'never' } },
      { name: 'b', dependsOn: ['a'] },
    ]);
    const { result: up, ms } = await timed(() => t.cli(['up', '-d']));
    const out = String(up.stdout);
    expect(up.exitCode, `${out}${up.stderr}`).toBe(1);
    expect(ms, out).toBeLessThan(30_000);
    expect(out).toMatch(/Not every instance is running/);

    const after = byName(await status(t));
    expect(after.b).toMatchObject({ state: 'failed', detail: 'dependency a failed', wait: null });
    expect(['failed', 'exited']).toContain(after.a?.state);
  }, 90_000);
});

describe('start NAME starts its dependencies first', () => {
  const t = useDaemonFolder('start-deps');

  it('start b starts a first, says so, and lists it under dependencies in --json', async () => {
    await fleetIn(t, [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }], { autostart: false });
    const up = await t.cli(['up', '-d']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    expect((await status(t)).instances.map((i) => i.state)).toEqual(['stopped', 'stopped']);

    const start = await t.cli(['start', 'b']);
    const out = String(start.stdout);
    expect(start.exitCode, `${out}${start.stderr}`).toBe(0);
    expect(out).toMatch(/Started their dependencies first: a \(running\)\./);
    expect(out).toMatch(/^b\s+running\s/m);
    expect(byName(await status(t))).toMatchObject({ a: { state: 'running' }, b: { state: 'running' } });

    const stop = await t.cli(['stop', '--all']);
    expect(stop.exitCode, `${stop.stdout}${stop.stderr}`).toBe(0);
    const again = await t.cli(['start', 'b', '--json']);
    expect(again.exitCode, `${again.stdout}${again.stderr}`).toBe(0);
    const document = JSON.parse(String(again.stdout)) as {
      ok: boolean;
      instances: { name: string; machine: { state: string } }[];
      dependencies: { name: string; machine: { state: string } }[];
    };
    expect(document.ok).toBe(true);
    expect(document.instances.map((i) => [i.name, i.machine.state])).toEqual([['b', 'running']]);
    expect(document.dependencies.map((i) => [i.name, i.machine.state])).toEqual([['a', 'running']]);
  }, 90_000);
});
