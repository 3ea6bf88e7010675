import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupMembers, isRunning } from '../../src/process/proc-stat.js';
import { runCli } from '../helpers/cli.js';
import { simRoot } from '../helpers/sim-root.js';
import { waitFor } from '../helpers/wait-for.js';

interface Instance {
  name: string;
  state: string;
  pid: number | null;
  capture: { state: string; error?: string; droppedBytes: number } | null;
}

/**
 * Issue 11: the instance log cannot be written, or is deleted, under a running daemon. What must hold: a
 * clear error in `status` and in the supervisor log, the instance running on untouched, and capture
 * resuming by itself once it can. Root is not stopped by chmod, so the log file is made impossible to open
 * another way: a folder takes its place.
 */
describe('capture faults under a running daemon', () => {
  let root = '';
  afterEach(async () => {
    const state = readState();
    await runCli(['down'], { cwd: root });
    for (const i of Object.values(state?.instances ?? {}))
      if (i.pgid) for (const p of groupMembers(i.pgid)) process.kill(p.pid, 'SIGKILL');
  });

  const readState = (): { instances: Record<string, { pgid?: number }> } | undefined => {
    try {
      return JSON.parse(readFileSync(path.join(root, 'state', 'state.json'), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const logs = () => path.join(root, 'state', 'logs');
  const instanceLog = () => path.join(logs(), 'one.log');
  const supervisorLog = () => readFileSync(path.join(logs(), 'supervisor.log'), 'utf8');
  const status = async () => {
    const result = await runCli(['status', '--json'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { instances: Instance[] }).instances.find((i) => i.name === 'one');
  };
  /** The instance's status once it satisfies the predicate. */
  async function statusWhen(what: string, predicate: (one: Instance) => boolean): Promise<Instance> {
    let found: Instance | undefined;
    await waitFor(what, async () => {
      const one = await status();
      if (one !== undefined && predicate(one)) found = one;
      return found !== undefined;
    });
    return found as Instance;
  }
  const activity = () => {
    const text = existsSync(instanceLog()) ? readFileSync(instanceLog(), 'utf8') : '';
    return [...text.matchAll(/Simulated activity (\d+)/g)].map((m) => Number(m[1]));
  };

  async function upWithBusyInstance() {
    // The simulated MI logs a line every 50 ms once ready: a writer notices a fault on its next write.
    root = await simRoot(['one'], { env: { WSO2_SIM_LOG_EVERY_MS: '50' } });
    const up = await runCli(['up', '-d'], { cwd: root });
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    await waitFor('activity in the log', () => activity().length >= 3, 30_000);
    const before = await status();
    expect(before?.state).toBe('running');
    return before?.pid as number;
  }

  it('reports a log that cannot be opened in status and the supervisor log, keeps the instance, and resumes', async () => {
    const pid = await upWithBusyInstance();

    rmSync(instanceLog());
    mkdirSync(instanceLog());
    const failing = await statusWhen(
      'status to report the failure',
      (one) => one.capture?.state === 'failing',
    );
    expect(failing.capture?.error).toMatch(/the log could not be opened \(EISDIR/);
    expect(failing.state).toBe('running');
    expect(failing.pid).toBe(pid);
    expect(isRunning(pid)).toBe(true);
    const text = await runCli(['status'], { cwd: root });
    expect(text.stdout).toMatch(/Output capture:\n {2}one: FAILING since .*the log could not be opened/);
    expect(text.stdout).toContain('The instance runs on; capture resumes by itself');
    await waitFor('the supervisor log to say so', () =>
      /"event":"capture-failing"[^\n]*could not be opened/.test(supervisorLog()),
    );

    rmSync(instanceLog(), { recursive: true });
    await waitFor('new activity after the resumed note', () =>
      /capture resumed: \d+ bytes lost[^\n]*\n(.*\n)*.*Simulated activity/.test(
        existsSync(instanceLog()) ? readFileSync(instanceLog(), 'utf8') : '',
      ),
    );
    const resumed = await statusWhen(
      'status to show capture writing again',
      (one) => one.capture?.state === 'writing',
    );
    expect(resumed.capture?.droppedBytes).toBeGreaterThan(0);
    expect(resumed.pid).toBe(pid);
    await waitFor('the supervisor log to say it resumed', () =>
      supervisorLog().includes('"event":"capture-resumed"'),
    );
    // Lines after the resumption follow each other: nothing lost once the log is writable again.
    const text2 = readFileSync(instanceLog(), 'utf8');
    const after = [...text2.matchAll(/Simulated activity (\d+)/g)].map((m) => Number(m[1]));
    expect(after.length).toBeGreaterThan(0);
    expect(after).toEqual(after.map((_, k) => (after[0] as number) + k));
  });

  it('recreates a deleted log file and goes on, with no error shown and the instance untouched', async () => {
    const pid = await upWithBusyInstance();
    const last = Math.max(...activity());

    rmSync(instanceLog());
    await waitFor('the log recreated with new activity', () => activity().some((n) => n > last), 30_000);
    expect(readFileSync(instanceLog(), 'utf8')).toMatch(/^\[wso2-supervisor\] capture reopened the log/);
    const one = await status();
    expect(one?.capture).toBeNull();
    expect(one?.state).toBe('running');
    expect(one?.pid).toBe(pid);
  });
});
