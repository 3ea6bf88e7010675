import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portSet, productOf } from '../../src/products/catalog.js';
import { offsetLaunch } from '../../src/products/offset-launch.js';
import { freeOffset } from '../helpers/free-offset.js';
import {
  canBind,
  canConnect,
  commandLine,
  get,
  isAlive,
  procStat,
  recordedPid,
  useSimulator,
  waitFor,
} from './harness.js';

const sim = useSimulator();
const si = productOf('si');
const ei = productOf('ei-analytics');

/** A Carbon 5 home started at a free offset the way the supervisor starts it, ready. */
async function startReady(id: 'si' | 'ei-analytics', env: Record<string, string> = {}) {
  const product = productOf(id);
  const offset = await freeOffset(id);
  const home = await sim.home(id);
  const run = sim.start(home, { env: { ...offsetLaunch(product, offset).env, ...env } });
  await run.waitForLine(product.readyLine);
  return { offset, home, run, jvm: recordedPid(home) as number };
}

const allFree = async (ports: readonly { port: number }[]) =>
  (await Promise.all(ports.map((p) => canBind(p.port)))).every(Boolean);

describe('the simulated Carbon 5 start scripts', () => {
  it('runs bin/server.sh → carbon.sh → the launcher JVM, each a child, which writes runtime.pid (digits only)', async () => {
    const { home, run, jvm } = await startReady('si');
    expect(readFileSync(join(home.home, si.pidFile), 'latin1')).toMatch(/^\d+$/);
    const carbonSh = procStat(jvm)?.ppid as number;
    expect(procStat(carbonSh)?.ppid).toBe(run.pid);
    expect(commandLine(carbonSh)).toEqual(['sh', join(home.home, 'wso2/server/bin/carbon.sh')]);
    const args = commandLine(jvm);
    expect(args.slice(args.indexOf('org.wso2.carbon.launcher.Main'))).toEqual([
      'org.wso2.carbon.launcher.Main',
    ]);
    for (const property of ['carbon.home', 'wso2.runtime.path', 'wso2.runtime', 'java.io.tmpdir']) {
      expect(args.some((arg) => arg.startsWith(`-D${property}=`))).toBe(true);
    }
    expect(args).toContain('-Dwso2.runtime=server');
    const output = run.output();
    expect(output).toContain(`JAVA_HOME environment variable is set to ${sim.javaHome()}\n`);
    expect(output).toContain(`CARBON_HOME environment variable is set to ${home.home}\n`);
    expect(output).toContain(`RUNTIME_HOME environment variable is set to ${home.home}/wso2/server\n`);
    // install-jars ran on the fake JDK from PATH and ended quietly.
    expect(output).not.toContain('Could not find or load main class');
  });

  it('exits 0 after SIGTERM to the JVM, which exits 143 with no shutdown line and releases its ports', async () => {
    const { offset, run, jvm } = await startReady('si');
    const before = run.output().length;
    process.kill(jvm, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output().slice(before)).toBe('');
    expect(isAlive(jvm)).toBe(false);
    expect(await allFree(portSet(si, offset))).toBe(true);

    const home = await sim.home('si');
    const direct = sim.java(
      [`-Dcarbon.home=${home.home}`, 'org.wso2.carbon.launcher.Main'],
      offsetLaunch(si, offset).env,
    );
    await direct.waitForLine(si.readyLine);
    process.kill(direct.pid, 'SIGTERM');
    expect(await direct.exited).toEqual({ code: 143, signal: null });
  });

  it('exits 0 after the JVM is killed with SIGKILL', async () => {
    const { run, jvm } = await startReady('ei-analytics');
    process.kill(jvm, 'SIGKILL');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it('has no trap: SIGTERM to bin/server.sh alone kills it and orphans carbon.sh and the JVM with its ports', async () => {
    const { offset, run, jvm } = await startReady('si');
    const carbonSh = procStat(jvm)?.ppid as number;
    try {
      process.kill(run.pid, 'SIGTERM');
      expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(isAlive(jvm)).toBe(true);
      expect(isAlive(carbonSh)).toBe(true);
      expect((await get(`http://127.0.0.1:${9090 + offset}/health`)).status).toBe(200);
      expect(await canConnect(9443 + offset)).toBe(true);
    } finally {
      process.kill(jvm, 'SIGTERM');
      await waitFor('the orphaned JVM and its carbon.sh to end', () => !isAlive(jvm) && !isAlive(carbonSh));
    }
    expect(await allFree(portSet(si, offset))).toBe(true);
  });

  it('honours an inherited RUNTIME: the JVM looks for conf/<RUNTIME>/deployment.yaml, fails, and never gets ready', async () => {
    const home = await sim.home('si');
    const run = sim.start(home, { env: { RUNTIME: 'foo' } });
    await run.waitForLine(/Deployment configuration file not found: .*\/conf\/foo\/deployment\.yaml$/);
    const jvm = recordedPid(home) as number;
    expect(commandLine(jvm)).toContain('-Dwso2.runtime=foo');
    expect(isAlive(jvm)).toBe(true);
    expect(run.output()).not.toMatch(si.readyLine);
    expect(run.output()).not.toContain('Interface starting');
  });

  it('only warns on an unsupported JDK: SI outside 1.8–17, EI Analytics (SI 1.1.0) outside 1.7–11', async () => {
    const sim4 = await startReady('si', { WSO2_SIM_JAVA_VERSION: '21' });
    expect(sim4.run.output()).toContain(
      ' Starting WSO2 Carbon (in unsupported JDK)\n [ERROR] CARBON is supported only between JDK 1.8 and 17\n',
    );
    const sim1 = await startReady('ei-analytics', { WSO2_SIM_JAVA_VERSION: '17' });
    expect(sim1.run.output()).toContain(
      ' Starting WSO2 Carbon (in unsupported JDK)\n [ERROR] CARBON is supported only on JDK 1.8, 9, 10 and 11\n',
    );
  });

  it('runs the JVM again while it exits 121, and leaves tmp/ alone', async () => {
    const offset = await freeOffset('si');
    const home = await sim.home('si');
    writeFileSync(join(home.home, 'tmp/leftover.txt'), 'from the last run');
    const env = {
      ...offsetLaunch(si, offset).env,
      WSO2_SIM_RESTART_AFTER_MS: '50',
      WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS: '400',
    };
    const run = sim.start(home, { env });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines(si.readyLine)).toHaveLength(2);
    expect(existsSync(join(home.home, 'tmp/leftover.txt'))).toBe(true);
    expect(readFileSync(join(home.home, si.carbonLog), 'utf8')).toMatch(si.readyLine);
  });

  it('--start runs the server in the background; --stop sends SIGTERM to the pid in runtime.pid', async () => {
    const offset = await freeOffset('ei-analytics');
    const home = await sim.home('ei-analytics');
    const env = offsetLaunch(ei, offset).env;
    const starter = sim.start(home, { args: ['--start'], env });
    expect(await starter.exited).toEqual({ code: 0, signal: null });
    const health = `http://127.0.0.1:${9090 + offset}/health`;
    await waitFor(
      'the background server to answer',
      async () => (await get(health).catch(() => ({ status: 0 }))).status === 200,
    );
    const jvm = recordedPid(home) as number;
    const again = sim.start(home, { args: ['--start'] });
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(again.output()).toContain('Process is already running\n');
    const stopper = sim.start(home, { args: ['--stop'] });
    expect(await stopper.exited).toEqual({ code: 0, signal: null });
    await waitFor('the JVM to stop', () => !isAlive(jvm));
  });
});
