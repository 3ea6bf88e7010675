import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../src/process/proc-stat.js';
import { simMiFleetIn } from '../helpers/daemon-fleet.js';
import { type DaemonFolder, useDaemonFolder } from '../helpers/daemon-folder.js';
import { serversOf } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const names = ['one', 'two'];

interface Recorded {
  name: string;
  pid?: number;
  pgid?: number;
  offset: number;
  machine: Record<string, unknown> & { state: string };
}
interface Recording {
  version: number;
  supervisor: { pid: number; startedAt: string };
  updatedAt: string;
  instances: Record<string, Recorded>;
}
interface Status {
  supervised: boolean;
  instances: { name: string; state: string; pid: number | null }[];
}

/** Two simulated MIs and a manifest with offsets reserved for this file; returns the base offset. */
const fleetIn = (folder: DaemonFolder) =>
  simMiFleetIn(
    folder,
    'state-schema',
    names.map((name) => ({ name })),
  );

const stateFile = (folder: DaemonFolder) => path.join(folder.root, 'state', 'state.json');

/** The supervisor log's events: `logs --supervisor --json` prints its pino JSON lines in `lines`. */
async function supervisorEvents(folder: DaemonFolder): Promise<Record<string, unknown>[]> {
  const logs = await folder.cli(['logs', '--supervisor', '--json', '-n', '2000']);
  expect(logs.exitCode, `${logs.stdout}${logs.stderr}`).toBe(0);
  const document = JSON.parse(String(logs.stdout)) as { ok: boolean; instance: null; lines: string[] };
  expect(document).toMatchObject({ ok: true, instance: null });
  return document.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function upAndAllRunning(folder: DaemonFolder): Promise<Status> {
  const up = await folder.cli(['up', '-d']);
  expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
  expect(String(up.stdout)).toMatch(/All 2 instances running \(supervisor pid \d+\)/);
  const status = await folder.cli(['status', '--json']);
  expect(status.exitCode, `${status.stdout}${status.stderr}`).toBe(0);
  const document = JSON.parse(String(status.stdout)) as Status;
  expect(document.supervised).toBe(true);
  expect(document.instances.map((i) => [i.name, i.state])).toEqual(names.map((n) => [n, 'running']));
  return document;
}

function expectDropped(events: Record<string, unknown>[], instance: string, jsonPath: string): void {
  const dropped = events.filter((e) => e.event === 'state-record-dropped');
  expect(dropped, JSON.stringify(dropped)).toHaveLength(1);
  expect(dropped[0]).toMatchObject({ level: 40, instance });
  expect(String(dropped[0]?.problem)).toContain(jsonPath);
}

describe('state.json with a malformed record', () => {
  const t = useDaemonFolder('state-schema');

  it.each([
    ['missing', undefined],
    ['a string', 'none'],
  ])(
    'written before up -d (machine.restarts %s): dropped with a warning, the supervisor starts normally',
    async (_, restarts) => {
      const base = await fleetIn(t);
      // A supervisor pid that no longer runs: the file is what a dead supervisor left behind.
      const child = execa(process.execPath, ['-e', '']);
      const gone = child.pid as number;
      await child;
      expect(isRunning(gone)).toBe(false);
      const now = new Date().toISOString();
      const stopped = (name: string, offset: number): Recorded =>
        ({
          name,
          offset,
          product: 'mi',
          machine: { state: 'stopped', restarts: [], attempt: 0 },
        }) as Recorded;
      const one = stopped('one', base);
      if (restarts === undefined) delete one.machine.restarts;
      else one.machine.restarts = restarts;
      const recording: Recording = {
        version: 2,
        supervisor: { pid: gone, startedAt: now },
        updatedAt: now,
        instances: { one, two: stopped('two', base + 1) },
      };
      mkdirSync(path.join(t.root, 'state'), { recursive: true, mode: 0o700 });
      writeFileSync(stateFile(t), JSON.stringify(recording, null, 2), { mode: 0o600 });

      await upAndAllRunning(t);
      expectDropped(await supervisorEvents(t), 'one', '$.instances.one.machine.restarts');
      // The plain log names it too.
      const plain = await t.cli(['logs', '--supervisor', '-n', '2000']);
      expect(String(plain.stdout)).toMatch(/"event":"state-record-dropped".*"instance":"one"/);
    },
    90_000,
  );

  it('left by a supervisor killed with -9: the good record is re-adopted, the bad one costs only its adoption', async () => {
    await fleetIn(t);
    const first = await upAndAllRunning(t);
    const recording = JSON.parse(readFileSync(stateFile(t), 'utf8')) as Recording;
    for (const i of Object.values(recording.instances)) if (i.pgid) t.groups.add(i.pgid);
    process.kill(recording.supervisor.pid, 'SIGKILL');
    await waitFor('the killed supervisor gone', () => !isRunning(recording.supervisor.pid));
    const pidOf = (s: Status, name: string) => s.instances.find((i) => i.name === name)?.pid;

    // While nobody supervises: instance one's record gets a restarts field of the wrong type.
    const one = recording.instances.one as Recorded;
    one.machine.restarts = 'three';
    writeFileSync(stateFile(t), JSON.stringify(recording, null, 2), { mode: 0o600 });

    const second = await upAndAllRunning(t);
    expect(pidOf(second, 'two')).toBe(pidOf(first, 'two')); // adopted, not launched again
    expect(pidOf(second, 'one')).not.toBe(pidOf(first, 'one')); // its old run stopped, a new one launched
    expect(serversOf(path.join(t.root, 'one'))).toBe(1);
    expect(serversOf(path.join(t.root, 'two'))).toBe(1);
    expectDropped(await supervisorEvents(t), 'one', '$.instances.one.machine.restarts');
  }, 90_000);
});
