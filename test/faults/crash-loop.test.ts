import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { groupMembers, isRunning, listProcesses } from '../../src/process/proc-stat.js';
import { type StateDocument, type StatusDocument, useDaemonFolder } from '../helpers/daemon-folder.js';
import { tempDir, writeManifest } from '../helpers/fake-home.js';
import { lifecycleStamps, supervisorLogEvents } from '../helpers/fault-records.js';
import { freeOffset } from '../helpers/free-offset.js';
import { processesOf, procStatFields, serversOf } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const names = ['loop-1', 'loop-2', 'loop-3', 'loop-4', 'loop-5'];

/**
 * The policy: every restart counts (the window outlasts the loop), the delay doubles from 0.1 s to a 2 s cap
 * with jitter (half fixed, half random), so 18 restarts take 0.05 + ... + 0.8 + 13 x 1 = 14.6 s of backoff
 * at the least and 3.1 + 13 x 2 = 29.1 s at most, 22 s on average, plus 19 launches and crashes (~0.4 s
 * each here): about 30 s in all.
 */
const restart = {
  policy: 'on-failure',
  maxRestarts: 18,
  windowSeconds: 600,
  backoff: { initialSeconds: 0.1, maxSeconds: 2 },
} as const;
/** The least backoff the policy allows over the whole loop: the half of each delay that is not jitter. */
const leastBackoffMs = Array.from(
  { length: restart.maxRestarts },
  (_, k) => (Math.min(restart.backoff.maxSeconds, restart.backoff.initialSeconds * 2 ** k) * 1000) / 2,
).reduce((a, b) => a + b, 0);
/** The smallest rotation the manifest allows: a loop's output rotates many times. */
const logs = { maxBytes: 4096, files: 2 };

/** Issue 11: a crash loop of 5 instances at once for 30 s. */
describe('a crash loop of 5 instances at once', () => {
  const t = useDaemonFolder('crash-loop');

  it('bounded daemon CPU and log size, every instance failed after exactly the restarts allowed', async () => {
    t.root = await tempDir('wso2-supervisor-crash-loop-');
    const jdk = makeJdk(path.join(t.root, 'jdk'));
    await mkdir(path.join(t.root, 'stamps'));
    for (const name of names) await makeHome({ product: 'mi', home: path.join(t.root, name) });
    const base = await freeOffset('mi', names.length + 4);
    await writeManifest(t.root, {
      stateDir: 'state',
      offsets: { min: base, max: base + names.length + 3 },
      defaults: { env: { JAVA_HOME: jdk.javaHome }, stopTimeoutSeconds: 10, restart, logs },
      instances: names.map((name) => ({
        name,
        product: 'mi',
        home: name,
        env: {
          // Dies 200 ms into its life, long before it could be ready: every run is a failed start, so each
          // ends the same way whatever the load (a crash after ready would race the readiness probe).
          WSO2_SIM_CRASH_AFTER_MS: '200',
          WSO2_SIM_STARTUP_DELAY_MS: '60000',
          // One line per JVM start: the launches counted by the runtime itself, not by the supervisor.
          WSO2_SIM_LIFECYCLE_STAMP: path.join(t.root, 'stamps', `${name}.jsonl`),
        },
      })),
    });
    const [clkTck] = String((await execa('getconf', ['CLK_TCK'])).stdout)
      .split('\n')
      .map(Number);
    const ticksPerSecond = clkTck && clkTck > 0 ? clkTck : 100;

    const startedAt = Date.now();
    const up = await t.cli(['up', '-d', '--no-wait']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    await waitFor('state.json from the daemon', () => t.readState<StateDocument>() !== undefined, 30_000);
    const daemon = t.readState<StateDocument>()?.supervisor.pid as number;
    // CPU from here on, over the wall time from here on: the daemon's own start-up is not the loop's.
    const cpuAtStart = cpuTicks(daemon);
    const cpuFrom = Date.now();

    // Sizes sampled all along (every 50 ms): the bound must hold at every moment, not only at the end.
    let largestLogSet = { name: '', bytes: 0 };
    let status: StatusDocument | undefined;
    try {
      await waitFor(
        'every instance failed',
        async () => {
          for (const r of Object.values(t.readState<StateDocument>()?.instances ?? {}))
            if (r.pgid) t.groups.add(r.pgid);
          for (const name of names) {
            const bytes = logSetBytes(t.root, name);
            if (bytes > largestLogSet.bytes) largestLogSet = { name, bytes };
          }
          if (
            !Object.values(t.readState<StateDocument>()?.instances ?? {}).every(
              (i) => i.machine.state === 'failed',
            )
          )
            return false;
          const result = await t.cli(['status', '--json']);
          status = JSON.parse(String(result.stdout));
          return status?.instances.every((i) => i.state === 'failed') ?? false;
        },
        120_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${evidence(t.root)}`);
    }
    const loopMs = Date.now() - startedAt;
    const cpuSeconds = (cpuTicks(daemon) - cpuAtStart) / ticksPerSecond;
    const cpuShare = cpuSeconds / ((Date.now() - cpuFrom) / 1000);
    const supervisorLogBytes = statSync(path.join(t.root, 'state', 'logs', 'supervisor.log')).size;
    console.info(
      `crash loop: ${(loopMs / 1000).toFixed(1)} s, daemon CPU ${cpuSeconds.toFixed(2)} s ` +
        `(${(cpuShare * 100).toFixed(1)} % of one core), largest instance log set ${largestLogSet.bytes} B ` +
        `(${largestLogSet.name}), supervisor.log ${supervisorLogBytes} B`,
    );

    // All five failed, each with the policy's own reason.
    const now = status as StatusDocument;
    expect(now.supervised).toBe(true);
    expect(now.instances.map((i) => i.name).sort()).toEqual(names);
    for (const i of now.instances) {
      expect(i.state).toBe('failed');
      expect(i.detail).toMatch(
        new RegExp(
          `^gave up after ${restart.maxRestarts} restarts in ${restart.windowSeconds}s; last: ended before it was ready`,
        ),
      );
      expect(i.restarts).toBe(restart.maxRestarts);
    }

    // Launches: the first and one per restart allowed, as the JVMs themselves counted them (lifecycle
    // stamps), and as the supervisor logged them; each launched JVM crashed, none was left to run.
    const log = supervisorLogEvents(t.root);
    for (const name of names) {
      const events = lifecycleStamps(t.root, name).map((e) => e.event);
      expect(events.filter((e) => e === 'start').length, `${name}'s JVM starts`).toBe(
        restart.maxRestarts + 1,
      );
      expect(events.filter((e) => e === 'crash').length, `${name}'s JVM crashes`).toBe(
        restart.maxRestarts + 1,
      );
      expect(log.filter((l) => l.instance === name && l.event === 'launched').length).toBe(
        restart.maxRestarts + 1,
      );
    }
    // Paced by the backoff, not a tight loop: at least the non-random half of every delay went by.
    expect(loopMs).toBeGreaterThanOrEqual(leastBackoffMs);

    // Bounded CPU: the daemon only launches, waits and judges; the JVMs are processes of their own. Measured
    // here at 6-7 % of one core (2 cores, ~21 ms per launch and crash); 25 % leaves room for a loaded machine.
    expect(cpuShare, `daemon CPU ${cpuSeconds.toFixed(2)} s in a ${loopMs} ms loop`).toBeLessThan(0.25);

    // Bounded logs: no instance's files ever held more than the live file and its rotated ones can, plus
    // one file's worth (a rotation in flight), and the rotation did happen.
    expect(largestLogSet.bytes).toBeLessThanOrEqual(logs.maxBytes * (logs.files + 1));
    for (const name of names) {
      expect(logSetBytes(t.root, name)).toBeLessThanOrEqual(logs.maxBytes * (logs.files + 1));
      expect(statSync(path.join(t.root, 'state', 'logs', `${name}.log.1`)).size).toBeGreaterThan(0);
    }
    expect(supervisorLogBytes).toBeLessThan(1024 * 1024);

    // Nothing of any instance runs: no JVM, no member of any group a run ever had.
    for (const name of names) expect(serversOf(path.join(t.root, name)), `${name}'s servers`).toBe(0);
    for (const pgid of t.groups) expect(groupMembers(pgid), `group ${pgid}`).toEqual([]);
    // Left: the daemon and its one log writer, shared by every instance (a failed instance keeps its pipe
    // in it), not one per run nor per instance.
    const writers = childrenOf(daemon).filter((command) => command.includes('log-writer.js'));
    expect(writers).toHaveLength(1);
    const strays = processesOf(t.root).filter((p) => p.pid !== daemon);
    expect(strays, `processes besides the daemon and the log writer\n${evidence(t.root)}`).toEqual([]);

    // And the daemon, having been through it, still answers.
    expect(isRunning(daemon)).toBe(true);
    const after = await t.cli(['status', '--json']);
    expect(after.exitCode).toBe(0);
    expect(JSON.parse(String(after.stdout))).toMatchObject({ supervised: true, supervisorPid: daemon });
  }, 180_000);
});

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const fields = procStatFields(pid);
  if (fields === undefined) throw new Error(`process ${pid} is gone`);
  return Number(fields[11]) + Number(fields[12]);
}

/** Bytes of an instance's captured output: the live log and its rotated files. */
function logSetBytes(root: string, name: string): number {
  const dir = path.join(root, 'state', 'logs');
  let total = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry !== `${name}.log` && !new RegExp(`^${name}\\.log\\.\\d+$`).test(entry)) continue;
    try {
      total += statSync(path.join(dir, entry)).size;
    } catch {
      // rotated away meanwhile
    }
  }
  return total;
}

function evidence(root: string): string {
  const state = (() => {
    try {
      return readFileSync(path.join(root, 'state', 'state.json'), 'utf8');
    } catch {
      return '(missing)';
    }
  })();
  const log = supervisorLogEvents(root)
    .slice(-40)
    .map((l) => `${l.time} ${l.instance ?? '-'} ${l.event} ${l.msg} ${l.reason ?? ''}`);
  return [
    `state.json: ${state}`,
    `supervisor.log (last 40):\n${log.join('\n')}`,
    `JVM starts: ${names.map((n) => `${n} ${lifecycleStamps(root, n).filter((e) => e.event === 'start').length}`).join(', ')}`,
    `processes:\n${processesOf(root)
      .map((p) => `${p.pid} pgid ${p.pgid} ${p.command.slice(0, 200)}`)
      .join('\n')}`,
  ].join('\n');
}

/** The command lines of a process's children. */
function childrenOf(pid: number): string[] {
  return listProcesses()
    .filter((p) => p.ppid === pid)
    .map((p) => readIfThere(`/proc/${p.pid}/cmdline`).split('\0').join(' '));
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
