import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probePorts } from '../../src/ports/probe-ports.js';
import { readProcStat } from '../../src/process/proc-stat.js';
import { closeServer, listenOn } from '../helpers/listen.js';
import { leftovers, useSimFleet } from '../helpers/sim-fleet.js';
import { fileMatches, waitFor } from '../helpers/wait-for.js';

/** The supervision engine against simulated WSO2 runtimes: real shells, "JVMs", ports and files. */
describe('supervision engine', () => {
  const { fleetOf, servers } = useSimFleet();
  const allFree = async (ports: number[]) => [...(await probePorts(ports)).values()].every((s) => s.free);

  it('runs an MI only once its health check answers, then stops its whole tree and frees every port', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', env: { WSO2_SIM_GRANDCHILD: '1' } }]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    expect(running.pgid).toBeDefined();
    expect(running.jvmPid).toBeDefined();
    expect(running.jvmStartTime).toBe(readProcStat(running.jvmPid as number)?.startTime);
    expect(running.startTime).toBe(readProcStat(running.pid as number)?.startTime);
    const pgid = running.pgid as number;
    expect((await leftovers(pgid)).length).toBeGreaterThanOrEqual(3); // shell, JVM, diagnostics, grandchild
    await s.fleet.stop(['mi']);
    expect(s.runner('mi').snapshot().machine).toMatchObject({
      state: 'stopped',
      lastExit: { kind: 'asked' },
    });
    expect(await leftovers(pgid)).toEqual([]);
    expect(await allFree(s.ports('mi'))).toBe(true);
  });

  it('restarts a crashed JVM after backoff at the same offset, although the script exits 0', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', env: { WSO2_SIM_CRASH_AFTER_READY_MS: '2000' } }]);
    s.fleet.start(['mi']);
    const first = await s.until('mi', (x) => x.machine.state === 'running');
    const restarted = await s.until(
      'mi',
      (x) => x.machine.restarts.length >= 1 && x.machine.state === 'running',
    );
    expect(restarted.machine.lastExit).toMatchObject({ kind: 'crash', code: 0 });
    expect(restarted.offset).toBe(first.offset);
    expect(restarted.pid).not.toBe(first.pid);
  });

  it('restarts when only the JVM is killed with SIGKILL (the shell notices and exits 0)', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi' }]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    process.kill(running.jvmPid as number, 'SIGKILL');
    const again = await s.until('mi', (x) => x.machine.state === 'running' && x.pid !== running.pid);
    expect(again.machine.lastExit).toMatchObject({ kind: 'crash' });
    expect(again.machine.lastExit?.reason).toMatch(/crashed: script status 0/);
  });

  it('leaves an instance shut down from its console as exited under on-failure', async () => {
    const s = await fleetOf([
      { name: 'gw', product: 'apim', env: { WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS: '300' } },
    ]);
    s.fleet.start(['gw']);
    const exited = await s.until('gw', (x) => x.machine.state === 'exited');
    expect(exited.machine.lastExit).toMatchObject({ kind: 'clean' });
  });

  it('marks a crash loop failed after maxRestarts, keeping the reason, without spinning', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        env: { WSO2_SIM_CRASH_AFTER_MS: '50' },
        restart: { maxRestarts: 2, windowSeconds: 60 },
      },
    ]);
    const cpuBefore = process.cpuUsage();
    s.fleet.start(['mi']);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.detail).toMatch(/gave up after 2 restarts in 60s; last: ended before it was ready/);
    const cpu = process.cpuUsage(cpuBefore);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5000);
  });

  it('does not restart under policy never, and names the fatal error, not the banner filler', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        env: { WSO2_SIM_CRASH_AFTER_READY_MS: '2000' },
        restart: { policy: 'never' },
      },
    ]);
    s.fleet.start(['mi']);
    await s.until('mi', (x) => x.machine.state === 'running');
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.restarts).toEqual([]);
    expect(failed.machine.lastExit?.kind).toBe('crash');
    expect(failed.machine.lastExit?.reason).toContain('last output: JVM fatal error: Simulated crash');
  });

  it('fails a start that is not ready within startTimeoutSeconds', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        env: { WSO2_SIM_STARTUP_DELAY_MS: '20000' },
        startTimeoutSeconds: 1,
        restart: { policy: 'never' },
      },
    ]);
    s.fleet.start(['mi']);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.lastExit).toMatchObject({
      kind: 'start-failed',
      reason: expect.stringMatching(/not ready within startTimeoutSeconds \(1s\)/),
    });
  });

  it('keeps an API-M starting while its readiness check answers 500, and runs it once it answers 200', async () => {
    const s = await fleetOf([{ name: 'gw', product: 'apim', env: { WSO2_SIM_NOT_READY_MS: '1500' } }]);
    s.fleet.start(['gw']);
    const carbonLog = path.join(s.root, 'gw', 'repository', 'logs', 'wso2carbon.log');
    const started = Date.now();
    await s.until('gw', (x) => x.machine.state === 'running');
    const log = await readFile(carbonLog, 'utf8');
    expect(log).toMatch(/WSO2 Carbon started in/);
    const readyLineAt = Date.now() - started;
    expect(readyLineAt).toBeGreaterThanOrEqual(1500);
  });

  it('fails a start on the unsupported-JDK error even though the script exits 0', async () => {
    const s = await fleetOf([
      { name: 'mi', product: 'mi', env: { WSO2_SIM_JAVA_VERSION: '21' }, restart: { policy: 'never' } },
    ]);
    s.fleet.start(['mi']);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.lastExit?.reason).toMatch(/supported only between JDK 11 and JDK 17/);
  });

  it("judges an exit by its own run's output only, not by an earlier run's shutdown lines", async () => {
    const s = await fleetOf([
      { name: 'mi', product: 'mi', env: { JAVA_HOME: '/nonexistent' }, restart: { policy: 'never' } },
    ]);
    const earlier =
      '[2026-11-23 10:00:00,000]  INFO {CoreServerInitializer} - Gracefully shutting down WSO2 Micro Integrator...';
    await mkdir(path.join(s.manifest.stateDir, 'logs'), { recursive: true });
    await writeFile(
      path.join(s.manifest.stateDir, 'logs', 'mi.log'),
      `${earlier}\nMicro Integrator Shutdown complete\n`,
    );
    s.fleet.start(['mi']);
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.lastExit).toMatchObject({ kind: 'start-failed', code: 1 });
    expect(failed.machine.lastExit?.reason).toMatch(
      /ended before it was ready: script status 1, last output: CARBON cannot execute/,
    );
  });

  it('fails a start when a foreign process takes a planned port while the JVM carries on, naming port and holder', async () => {
    const s = await fleetOf([
      { name: 'mi', product: 'mi', env: { WSO2_SIM_STARTUP_DELAY_MS: '2000' }, restart: { policy: 'never' } },
    ]);
    s.fleet.start(['mi']);
    await s.until('mi', (x) => x.pid !== undefined);
    const management = s.ports('mi')[3] as number; // 9154 + N: bound last, after the start-up delay
    servers.push(await listenOn(management));
    const failed = await s.until('mi', (x) => x.machine.state === 'failed');
    expect(failed.machine.lastExit?.reason).toContain(`port ${management} is held by pid ${process.pid}`);
  });

  it('waits in backoff instead of launching when a planned port is busy before the start', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi' }]);
    const port = s.ports('mi')[0] as number;
    servers.push(await listenOn(port));
    s.fleet.start(['mi']);
    const waiting = await s.until('mi', (x) => x.machine.state === 'backoff');
    expect(waiting.pid).toBeUndefined();
    expect(waiting.machine.detail).toContain(`port ${port} held by pid ${process.pid}`);
    await closeServer(servers.pop() as Server);
    await s.until('mi', (x) => x.machine.state === 'running');
  });

  it('SIGKILLs a JVM that ignores SIGTERM after stopTimeoutSeconds', async () => {
    const s = await fleetOf([
      { name: 'mi', product: 'mi', env: { WSO2_SIM_IGNORE_SIGTERM: '1' }, stopTimeoutSeconds: 1 },
    ]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    await s.fleet.stop(['mi']);
    expect(s.runner('mi').snapshot().machine.lastExit).toMatchObject({
      kind: 'asked',
      reason: 'killed after stopTimeoutSeconds (1s)',
    });
    expect(await leftovers(running.pgid)).toEqual([]);
    // Gone, or a zombie that this machine's init has not reaped yet: either way it holds nothing.
    expect(readProcStat(running.jvmPid as number)?.state ?? 'Z').toBe('Z');
  });

  it('starts dependents after their dependencies are running, and stops them first', async () => {
    const s = await fleetOf([
      { name: 'gw', product: 'apim', env: { WSO2_SIM_STARTUP_DELAY_MS: '500' } },
      { name: 'orders', product: 'mi', dependsOn: ['gw'] },
    ]);
    // What each instance's partner was doing at the moment it changed state.
    const gwWhenOrdersStarted: string[] = [];
    const ordersWhenGwStopped: string[] = [];
    s.runner('orders').on('change', () => {
      if (s.runner('orders').state === 'starting') gwWhenOrdersStarted.push(s.runner('gw').state);
    });
    s.runner('gw').on('change', () => {
      if (s.runner('gw').state === 'stopping') ordersWhenGwStopped.push(s.runner('orders').state);
    });
    s.fleet.start(['orders', 'gw']);
    await s.until('orders', (x) => x.machine.state === 'running');
    expect(gwWhenOrdersStarted.length).toBeGreaterThan(0);
    expect(new Set(gwWhenOrdersStarted)).toEqual(new Set(['running']));
    await s.fleet.stop();
    expect(ordersWhenGwStopped.length).toBeGreaterThan(0);
    expect(new Set(ordersWhenGwStopped)).toEqual(new Set(['stopped']));
  });

  it.each([
    ['a log line', { log: 'Pass-through HTTPS Listener started' }],
    ['every planned port accepting connections', { ports: true }],
    ['an HTTP URL with a {port:BASE} placeholder', { http: 'http://127.0.0.1:{port:9191}/liveness' }],
  ])('honours a readiness override: %s', async (_, readiness) => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', readiness }]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    expect(running.pid).toBeDefined();
  });

  it('reports a hung JVM as unhealthy, and after unhealthyAfterSeconds restarts it as crashed', async () => {
    const s = await fleetOf([{ name: 'mi', product: 'mi', unhealthyAfterSeconds: 1, stopTimeoutSeconds: 1 }]);
    s.fleet.start(['mi']);
    const running = await s.until('mi', (x) => x.machine.state === 'running');
    process.kill(running.jvmPid as number, 'SIGSTOP'); // alive, holding its ports, answering nothing
    const unhealthy = await s.until('mi', (x) => x.health?.ok === false);
    expect(unhealthy.machine.state).toBe('running');
    const restarted = await s.until('mi', (x) => x.machine.state === 'running' && x.pid !== running.pid);
    expect(restarted.machine.lastExit).toMatchObject({
      kind: 'crash',
      reason: expect.stringMatching(/health check failing for 1s/),
    });
    expect(await leftovers(running.pgid)).toEqual([]);
  });

  it('captures 2 MB of output whole and in order in the instance log', async () => {
    const s = await fleetOf([
      { name: 'mi', product: 'mi', env: { WSO2_SIM_OUTPUT_BYTES: String(2 * 1024 * 1024) } },
    ]);
    s.fleet.start(['mi']);
    const captured = path.join(s.manifest.stateDir, 'logs', 'mi.log');
    await waitFor('the end of the burst in mi.log', fileMatches(captured, /Simulated output burst done/));
    await s.fleet.stop(['mi']);
    const numbers = [...(await readFile(captured, 'utf8')).matchAll(/^SIM-OUTPUT (\d{8}) /gm)].map((m) =>
      Number(m[1]),
    );
    expect(numbers.length).toBe(Math.ceil((2 * 1024 * 1024) / 100));
    expect(numbers.every((n, k) => n === k + 1)).toBe(true);
  });

  it('rotates the captured output by size, keeping the configured number of files', async () => {
    const s = await fleetOf([
      {
        name: 'mi',
        product: 'mi',
        env: { WSO2_SIM_OUTPUT_BYTES: String(1024 * 1024) },
        logs: { maxBytes: 100_000, files: 3 },
      },
    ]);
    s.fleet.start(['mi']);
    const captured = path.join(s.manifest.stateDir, 'logs', 'mi.log');
    await waitFor('the end of the burst in mi.log', fileMatches(captured, /Simulated output burst done/));
    await s.fleet.stop(['mi']);
    const files = (await readdir(path.join(s.manifest.stateDir, 'logs'))).filter((f) =>
      /^mi\.log(\.\d+)?$/.test(f),
    );
    expect(files.sort()).toEqual(['mi.log', 'mi.log.1', 'mi.log.2']);
  });
});
