import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { productOf } from '../../src/products/catalog.js';
import { systemClock } from '../../src/supervisor/clock.js';
import type { Run } from '../../src/supervisor/run.js';
import { watchStart } from '../../src/supervisor/start-watch.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A port nothing listens on: the system's pick of a free one, closed again. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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
  const ports = [await freePort(), await freePort()];
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
