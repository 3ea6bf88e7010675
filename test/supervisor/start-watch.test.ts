import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portSet, productOf } from '../../src/products/catalog.js';
import { systemClock } from '../../src/supervisor/clock.js';
import type { Run } from '../../src/supervisor/run.js';
import { watchStart } from '../../src/supervisor/start-watch.js';
import { freeOffset } from '../helpers/free-offset.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A run as launchRun makes one, of a group with no process: only its log is looked at. */
function runOf(pgid: number): Run {
  return {
    runId: 'test',
    launch: undefined,
    pid: pgid,
    pgid,
    startTime: undefined,
    startedAt: Date.now(),
    writerPid: 0,
    logStart: undefined,
    launchedAt: undefined,
    jvm: undefined,
    adopted: false,
    ended: new Promise(() => {}),
    over: false,
    forget: () => {},
  };
}

/** Watches a start whose whole output is already in its log, with MI's start-failure lines. */
async function watchOutput(output: string) {
  const folder = mkdtempSync(path.join(tmpdir(), 'wso2-supervisor-start-watch-'));
  folders.push(folder);
  const logFile = path.join(folder, 'mi.log');
  writeFileSync(logFile, output);
  // MI's planned ports at an offset reserved for this file: nothing listens on them.
  const ports = portSet(productOf('mi'), await freeOffset('mi')).map((p) => p.port);
  const watch = watchStart({
    run: runOf(2 ** 22 + 17), // above the kernel's highest pid (PID_MAX_LIMIT): no such group
    logFile,
    product: productOf('mi'),
    readiness: { line: /instance is up/ },
    ports,
    clock: systemClock,
    probeIntervalMs: 100,
    timeoutMs: 20_000,
    timeoutSeconds: 20,
    onWait: () => {},
  });
  try {
    return { outcome: await watch.outcome, ports };
  } finally {
    watch.stop();
  }
}

const jdkRefusal = 'WSO2 MI is supported only between JDK 11 and JDK 21';

describe('a start watched by its ready line alone', () => {
  it('fails on a start-failure line that comes before the ready line', async () => {
    const { outcome } = await watchOutput(`booting\n${jdkRefusal}\ninstance is up\n`);
    expect(outcome).toEqual({ ready: false, reason: `start failed: ${jdkRefusal}` });
  });

  it('is decided by the ready line: what the instance writes after it is not read for the start', async () => {
    // Both come in one read of the log; a follow that went on judging lines while the ports were looked
    // at would fail the start on the second (and read a spewing instance's output for nothing).
    const { outcome, ports } = await watchOutput(`booting\ninstance is up\n${jdkRefusal}\n`);
    expect(outcome).toEqual({ ready: true, unbound: ports });
  });
});
