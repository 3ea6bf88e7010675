import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { groupMembers, isSameProcess, readProcStat } from '../../src/process/proc-stat.js';
import { cliPath } from '../helpers/cli.js';
import { serversOf } from '../helpers/processes.js';
import { simRoot } from '../helpers/sim-root.js';
import { fileMatches, waitFor } from '../helpers/wait-for.js';

interface Recorded {
  pid?: number;
  pgid?: number;
  startTime?: number;
  jvmPid?: number;
  writerPid?: number;
  offset: number;
  machine: { state: string };
}
interface StateDoc {
  supervisor: { pid: number };
  instances: Record<string, Recorded>;
}

/** A supervisor killed with -9 loses nothing: a new one re-adopts the living instances (issue 10, item 5). */
describe('re-adoption after the supervisor is killed', () => {
  const ups: { kill(signal: NodeJS.Signals): boolean }[] = [];
  const groups: number[] = [];
  afterEach(async () => {
    for (const up of ups.splice(0)) up.kill('SIGKILL');
    for (const pgid of groups.splice(0)) for (const p of groupMembers(pgid)) process.kill(p.pid, 'SIGKILL');
  });

  async function fleet(names: string[]) {
    const root = await simRoot(names, { restart: { backoff: { initialSeconds: 0.1, maxSeconds: 0.5 } } });
    const stateFile = path.join(root, 'state', 'state.json');
    const read = async () =>
      JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{"instances":{}}')) as StateDoc;
    const up = () => {
      const child = execa(process.execPath, [cliPath, 'up'], {
        cwd: root,
        reject: false,
        env: { NO_COLOR: '1' },
      });
      ups.push(child);
      return child;
    };
    const until = async (what: string, predicate: (doc: StateDoc) => boolean) => {
      let doc: StateDoc | undefined;
      await waitFor(
        what,
        async () => {
          doc = await read();
          return predicate(doc);
        },
        60_000,
      );
      return doc as StateDoc;
    };
    return { root, stateFile, read, up, until };
  }

  it('adopts the instances that survived, launches no duplicate, and restarts one that later crashes', async () => {
    const f = await fleet(['one', 'two']);
    const first = f.up();
    const running = await f.until(
      'both running',
      (d) => Object.values(d.instances).filter((i) => i.machine.state === 'running').length === 2,
    );
    for (const i of Object.values(running.instances)) groups.push(i.pgid as number);
    first.kill('SIGKILL');
    await first;

    // The instances outlive their supervisor, and so do their log writers.
    for (const i of Object.values(running.instances)) {
      expect(await isSameProcess(i.pid as number, i.startTime as number)).toBe(true);
      expect(await readProcStat(i.writerPid as number)).toBeDefined();
    }

    const second = f.up();
    const adopted = await f.until(
      'the new supervisor to record both',
      (d) =>
        d.supervisor.pid === second.pid &&
        Object.values(d.instances).every((i) => i.machine.state === 'running'),
    );
    for (const name of ['one', 'two']) {
      expect(adopted.instances[name]?.pid).toBe(running.instances[name]?.pid);
      expect(adopted.instances[name]?.offset).toBe(running.instances[name]?.offset);
      // one server per home: no duplicate launched into a bind failure
      expect(serversOf(path.join(f.root, name))).toBe(1);
    }
    // Said in the supervisor log, which is written on its own, not with state.json.
    await waitFor(
      'the adoption in the supervisor log',
      fileMatches(path.join(f.root, 'state', 'logs', 'supervisor.log'), /re-adopted running instances/),
    );

    // An adopted instance that crashes is restarted, although it is not the new supervisor's child.
    process.kill(adopted.instances.one?.jvmPid as number, 'SIGKILL');
    const restarted = await f.until(
      'one restarted',
      (d) =>
        d.instances.one?.machine.state === 'running' && d.instances.one?.pid !== running.instances.one?.pid,
    );
    groups.push(restarted.instances.one?.pgid as number);

    second.kill('SIGTERM');
    expect((await second).exitCode).toBe(0);
    for (const pgid of groups) expect(groupMembers(pgid)).toEqual([]);
  });

  it('never adopts a recycled pid: a recorded process that is not the same one is not touched', async () => {
    const f = await fleet(['three']);
    const me = await readProcStat(process.pid);
    await mkdir(path.dirname(f.stateFile), { recursive: true });
    await writeFile(
      f.stateFile,
      JSON.stringify({
        version: 1,
        supervisor: { pid: 999999, startedAt: new Date().toISOString() },
        updatedAt: new Date().toISOString(),
        instances: {
          three: {
            name: 'three',
            product: 'mi',
            offset: 0,
            // This test process stands in for a process that reused the recorded pid: another start time.
            pid: process.pid,
            pgid: me?.pgid,
            startTime: (me?.startTime ?? 0) + 12345,
            writerPid: process.pid,
            machine: { state: 'running', restarts: [], attempt: 0 },
          },
        },
      }),
    );
    const up = f.up();
    const doc = await f.until(
      'three launched afresh by the new supervisor',
      (d) => d.supervisor.pid === up.pid && d.instances.three?.machine.state === 'running',
    );
    groups.push(doc.instances.three?.pgid as number);
    expect(doc.instances.three?.pid).not.toBe(process.pid);
    up.kill('SIGTERM');
    expect((await up).exitCode).toBe(0);
  });
});
