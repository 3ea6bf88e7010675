import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { portsNotHeld } from '../../src/process/port-ownership.js';
import { groupMembers, isRunning } from '../../src/process/proc-stat.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import {
  type RecordedInstance,
  type StateDocument,
  type StatusDocument,
  useDaemonFolder,
} from '../helpers/daemon-folder.js';
import { tempDir, writeManifest } from '../helpers/fake-home.js';
import { lifecycleStamps, supervisorLogEvents } from '../helpers/fault-records.js';
import { freeOffset } from '../helpers/free-offset.js';
import { processesOf, serversOf } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The fleet: a start-up wave that takes a while, in dependency order, so that a kill -9 lands while some
 * instances are running, some are launched but not ready, and one is not launched yet. The delays are
 * what the simulated JVM waits between its early listeners and its health listeners plus ready line.
 */
const fleet = [
  { name: 'mi-a', product: 'mi', delayMs: 0 },
  { name: 'gw-a', product: 'apim', delayMs: 1000 },
  { name: 'mi-slow', product: 'mi', delayMs: 10_000 },
  { name: 'mi-b', product: 'mi', delayMs: 6000, dependsOn: ['mi-a'] },
  { name: 'gw-b', product: 'apim', delayMs: 3000, dependsOn: ['gw-a'] },
  { name: 'mi-last', product: 'mi', delayMs: 1000, dependsOn: ['mi-slow'] },
] as const;

/** mi-b's start script in the `at a spawn` case, relative to its home. */
const killerScript = 'bin/kill-supervisor-then-start.sh';

/** Issue 11: `kill -9` of the daemon during a start-up wave; then `up -d`. */
describe('kill -9 of the daemon during a start-up wave', () => {
  const t = useDaemonFolder('daemon-kill');
  const status = async (): Promise<StatusDocument | undefined> => {
    const result = await t.cli(['status', '--json']);
    try {
      return JSON.parse(String(result.stdout));
    } catch {
      return undefined;
    }
  };

  /**
   * Starts the fleet under a daemon and kills it (-9) during the wave. `between launches`: once mi-a is
   * running, mi-b and mi-slow are launched but not ready and mi-last (after mi-slow) is not launched, as
   * state.json shows. `at a spawn`: mi-b's start script (launched once mi-a is ready) kills the daemon as
   * its first act, before the daemon can have recorded the run. Returns what the first daemon left.
   */
  async function killDuringWave(moment: 'between launches' | 'at a spawn') {
    t.root = await tempDir('wso2-supervisor-daemon-kill-');
    const jdk = makeJdk(path.join(t.root, 'jdk'));
    await mkdir(path.join(t.root, 'stamps'));
    for (const i of fleet) await makeHome({ product: i.product, home: path.join(t.root, i.name) });
    if (moment === 'at a spawn') {
      // mi-b's first launch kills its supervisor at once (the script's parent), then starts as usual: the kill
      // lands a millisecond or so after the spawn, while the daemon is still recording the run.
      const wrapper = path.join(t.root, 'mi-b', killerScript);
      await writeFile(
        wrapper,
        [
          '#!/bin/sh',
          'marker="$CARBON_HOME/killed-supervisor"',
          'if [ ! -e "$marker" ]; then echo "$PPID" > "$marker"; kill -9 "$PPID"; fi',
          `exec "$CARBON_HOME/${productOf('mi').startScript.sh}" "$@"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
    }
    const base = await freeOffset(['mi', 'apim'], fleet.length + 4);
    await writeManifest(t.root, {
      stateDir: 'state',
      offsets: { min: base, max: base + fleet.length + 3 },
      defaults: {
        env: { JAVA_HOME: jdk.javaHome },
        stopTimeoutSeconds: 10,
        startTimeoutSeconds: 90,
        restart: { backoff: { initialSeconds: 0.1, maxSeconds: 0.5 } },
      },
      instances: fleet.map((i) => ({
        name: i.name,
        product: i.product,
        home: i.name,
        ...('dependsOn' in i && { dependsOn: i.dependsOn }),
        ...(moment === 'at a spawn' && i.name === 'mi-b' && { script: killerScript }),
        env: {
          WSO2_SIM_STARTUP_DELAY_MS: String(i.delayMs),
          // One line per JVM start: how many servers each home ever had, not only how many are left.
          WSO2_SIM_LIFECYCLE_STAMP: path.join(t.root, 'stamps', `${i.name}.jsonl`),
        },
      })),
    });

    const up = await t.cli(['up', '-d', '--no-wait']);
    expect(up.exitCode, `${up.stdout}${up.stderr}`).toBe(0);
    await waitFor('the daemon to write state.json', () => t.readState<StateDocument>() !== undefined, 30_000);
    const firstPid = t.readState<StateDocument>()?.supervisor.pid as number;
    if (moment === 'at a spawn') {
      // The script names the pid it killed: the daemon's, or this is not the fault meant.
      const marker = path.join(t.root, 'mi-b', 'killed-supervisor');
      const killed = () => (existsSync(marker) ? Number(readFileSync(marker, 'utf8')) : 0);
      await waitFor("mi-b's start script to kill the daemon", () => killed() > 0, 60_000);
      expect(killed()).toBe(firstPid);
    } else {
      await waitFor(
        'the wave in flight (mi-a running, mi-b and mi-slow starting, mi-last not launched)',
        () => {
          const i = t.readState<StateDocument>()?.instances ?? {};
          return (
            i['mi-a']?.machine.state === 'running' &&
            i['mi-b']?.machine.state === 'starting' &&
            i['mi-b']?.pid !== undefined &&
            i['mi-slow']?.machine.state === 'starting' &&
            i['mi-slow']?.pid !== undefined &&
            i['mi-last']?.pid === undefined
          );
        },
        60_000,
      );
    }
    if (moment === 'between launches') process.kill(firstPid, 'SIGKILL');
    await waitFor('the first daemon gone', () => !isRunning(firstPid), 10_000);
    // What the first daemon left: its last word on disk, and every process of this test's folder.
    const recorded = t.readState<StateDocument>() as StateDocument;
    for (const r of Object.values(recorded.instances)) if (r.pgid) t.groups.add(r.pgid);
    return {
      moment,
      firstPid,
      recorded,
      leftBehind: processesOf(t.root),
      wave: Object.fromEntries(Object.values(recorded.instances).map((r) => [r.name, r.machine.state])),
      firstLogLines: supervisorLogEvents(t.root).length,
    };
  }

  /**
   * `up -d` after the kill, and what must hold then: all running with every planned port, one server per
   * home, no recorded run's JVM started twice, launched runs adopted, nothing of the first daemon's left
   * outside the current runs, and the new daemon's log telling what it adopted and launched.
   */
  async function takeOver(killed: Awaited<ReturnType<typeof killDuringWave>>) {
    const { moment, firstPid, recorded, leftBehind, wave, firstLogLines } = killed;
    const again = await t.cli(['up', '-d']);
    expect(again.exitCode, `${again.stdout}${again.stderr}`).toBe(0);
    const secondPid = t.readState<StateDocument>()?.supervisor.pid as number;
    expect(secondPid).not.toBe(firstPid);

    // All running, and really so: every planned port (health listeners included, bound only once ready) is
    // held by the instance's own process group.
    let state: StateDocument | undefined;
    let why = '';
    try {
      await waitFor(
        'every instance running with all its planned ports',
        async () => {
          state = t.readState<StateDocument>();
          const s = await status();
          if (s?.supervisorPid !== secondPid) return false;
          const notRunning = s.instances.filter((i) => i.state !== 'running');
          if (notRunning.length > 0 || s.instances.length !== fleet.length) {
            why = `not running: ${JSON.stringify(notRunning)}`;
            return false;
          }
          for (const r of Object.values(state?.instances ?? {})) {
            if (r.pgid) t.groups.add(r.pgid);
            const ports = portSet(productOf(r.product), r.offset).map((p) => p.port);
            const missing = await portsNotHeld(ports, r.pgid ?? -1);
            if (missing.length > 0) {
              why = `${r.name} does not hold ${JSON.stringify(missing)}`;
              return false;
            }
          }
          return true;
        },
        90_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${why}\n${evidence(t.root)}`);
    }
    const now = state as StateDocument;

    // No duplicate: one server per home now, and no recorded run had a second JVM started (nothing
    // crashed). A run the first daemon never recorded may have been ended and launched again instead.
    const servers = Object.fromEntries(fleet.map((i) => [i.name, serversOf(path.join(t.root, i.name))]));
    const one = Object.fromEntries(fleet.map((i) => [i.name, 1]));
    expect(
      servers,
      `servers per home (wave at the kill: ${JSON.stringify(wave)})\n${evidence(t.root)}`,
    ).toEqual(one);
    const unrecorded = moment === 'at a spawn' ? 'mi-b' : undefined;
    const starts = (name: string) => jvmStartTimes(t.root, name).length;
    const others = fleet.filter((i) => i.name !== unrecorded);
    expect(
      Object.fromEntries(others.map((i) => [i.name, starts(i.name)])),
      `JVM starts per home (wave at the kill: ${JSON.stringify(wave)})\n${evidence(t.root)}`,
    ).toEqual(Object.fromEntries(others.map((i) => [i.name, 1])));
    if (unrecorded) expect(starts(unrecorded), `${unrecorded}'s JVM starts`).toBeLessThanOrEqual(2);

    // Launched runs were adopted, not launched again: same start script, same group, same offset.
    for (const r of Object.values(recorded.instances).filter((r) => r.pid !== undefined)) {
      expect(now.instances[r.name]?.pid, `${r.name} re-launched`).toBe(r.pid);
      expect(now.instances[r.name]?.pgid).toBe(r.pgid);
      expect(now.instances[r.name]?.offset).toBe(r.offset);
    }

    // No orphan: every process the first daemon left is now part of a current run (its group or its log
    // writer) or gone; every process of this folder is the second daemon's or a current run's.
    const currentGroups = new Set(Object.values(now.instances).map((r) => r.pgid));
    const currentWriters = new Set(Object.values(now.instances).map((r) => r.writerPid));
    const ours = (p: { pid: number; pgid: number }) =>
      p.pid === secondPid || currentGroups.has(p.pgid) || currentWriters.has(p.pid);
    const orphans = leftBehind.filter((p) => isRunning(p.pid) && !ours(p));
    expect(orphans, `processes of the first daemon's runs left over\n${evidence(t.root)}`).toEqual([]);
    const strays = processesOf(t.root).filter((p) => !ours(p));
    expect(strays, `processes of this folder outside every current run\n${evidence(t.root)}`).toEqual([]);
    for (const r of Object.values(recorded.instances)) {
      if (r.pgid !== undefined && r.pgid !== now.instances[r.name]?.pgid)
        expect(groupMembers(r.pgid), `${r.name}'s old group`).toEqual([]);
    }
    expect(isRunning(firstPid)).toBe(false);

    // The second daemon says what it took over and what it launched itself.
    // (Its lines follow the first daemon's; an instance's lines carry the instance's pid, not the daemon's.)
    const log = supervisorLogEvents(t.root).slice(firstLogLines);
    const launchedBefore = Object.values(recorded.instances)
      .filter((r) => r.pid !== undefined)
      .map((r) => r.name)
      .sort();
    const adopted = log.find((l) => l.msg === 're-adopted running instances')?.instances as string[];
    expect([...(adopted ?? [])].sort()).toEqual(launchedBefore);
    expect(log.filter((l) => l.event === 'launched').map((l) => l.instance)).toContain('mi-last');
  }

  it('between launches, then up -d: no duplicate JVM, no orphan, every port held, all running', async () => {
    await takeOver(await killDuringWave('between launches'));
  }, 180_000);

  it('the moment a start script is spawned, then up -d: no duplicate JVM, no orphan, all running', async () => {
    await takeOver(await killDuringWave('at a spawn'));
  }, 180_000);

  it('between launches, then up -d: a run caught starting is running only once ready, its dependents wait', async () => {
    await killDuringWave('between launches');
    const again = await t.cli(['up', '-d']);
    expect(again.exitCode, `${again.stdout}${again.stderr}`).toBe(0);
    const state = t.readState<StateDocument>() as StateDocument;
    for (const r of Object.values(state.instances)) if (r.pgid) t.groups.add(r.pgid);

    // `up -d` waits until every instance is running, and running means ready (contract): by then mi-slow
    // holds all its ports, its health listeners included (the simulator binds them with its ready line).
    const slow = state.instances['mi-slow'] as RecordedInstance;
    const missing = await portsNotHeld(
      portSet(productOf('mi'), slow.offset).map((p) => p.port),
      slow.pgid ?? -1,
    );
    expect
      .soft(
        missing,
        `up -d said "${String(again.stdout).trim().split('\n').pop()}" and state.json has mi-slow ` +
          `${slow.machine.state}, but mi-slow (caught starting by the kill, then adopted) is not ready yet: ` +
          'these planned ports are not listening',
      )
      .toEqual([]);

    // mi-last depends on mi-slow: its JVM starts only after mi-slow is ready, which is no earlier than
    // mi-slow's start-up delay after its JVM started.
    await waitFor('mi-last launched', () => jvmStartTimes(t.root, 'mi-last').length > 0, 60_000);
    const [slowStart] = jvmStartTimes(t.root, 'mi-slow');
    const [lastStart] = jvmStartTimes(t.root, 'mi-last');
    const slowReadyNoEarlierThan = (slowStart ?? 0) + (fleet.find((i) => i.name === 'mi-slow')?.delayMs ?? 0);
    expect
      .soft(
        lastStart,
        `mi-last (dependsOn mi-slow) was launched by the second daemon ` +
          `${Math.round(slowReadyNoEarlierThan - (lastStart ?? 0))} ms before mi-slow could be ready`,
      )
      .toBeGreaterThanOrEqual(slowReadyNoEarlierThan);
  }, 180_000);
});

/** When each JVM of a home started (epoch ms), from the simulator's lifecycle stamps. */
function jvmStartTimes(root: string, name: string): number[] {
  return lifecycleStamps(root, name)
    .filter((e) => e.event === 'start')
    .map((e) => e.at);
}

/**
 * What a failure report needs, one line per fact: each instance as state.json has it, the supervisor log's
 * events (both daemons), each home's JVM starts, and every process of this test's folder.
 */
function evidence(root: string): string {
  let state: StateDocument | undefined;
  try {
    state = JSON.parse(readFileSync(path.join(root, 'state', 'state.json'), 'utf8'));
  } catch {
    // none yet
  }
  const instances = Object.values(state?.instances ?? {}).map(
    (r) =>
      `  ${r.name} ${r.machine.state} offset ${r.offset} pid ${r.pid ?? '-'} pgid ${r.pgid ?? '-'} ` +
      `writer ${r.writerPid ?? '-'}${r.machine.detail ? ` (${r.machine.detail})` : ''}`,
  );
  const log = supervisorLogEvents(root).map((l) => {
    const what = l.event === 'up' ? JSON.stringify(l.offsets) : l.to ? `-> ${l.to} ${l.reason ?? ''}` : '';
    return `  ${String(l.time).slice(11, 23)} ${l.instance ?? '-'} ${l.msg} ${l.instances ?? ''}${what}`;
  });
  const starts = readdirSync(path.join(root, 'stamps')).map(
    (f) => `  ${f.replace('.jsonl', '')}: ${jvmStartTimes(root, f.replace('.jsonl', '')).length}`,
  );
  const processes = processesOf(root).map((p) => {
    const words = p.command.split(' ');
    const home = words.find((w) => w.startsWith('-Dcarbon.home='));
    return `  ${p.pid} pgid ${p.pgid} ${words.slice(0, 2).join(' ').replaceAll(root, '.')}${home ? ` ${home.replaceAll(root, '.')}` : ''} ${words.find((w) => w.startsWith('-DportOffset')) ?? ''}`;
  });
  return [
    `evidence from ${root}`,
    `state.json (supervisor pid ${state?.supervisor.pid}):`,
    ...instances,
    'supervisor.log:',
    ...log,
    'JVM starts per home:',
    ...starts,
    'processes:',
    ...processes,
  ].join('\n');
}
