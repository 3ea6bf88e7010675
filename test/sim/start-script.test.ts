import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portSet, productOf } from '../../src/products/catalog.js';
import { freeOffset } from '../helpers/free-offset.js';
import {
  canConnect,
  childrenOf,
  commandLine,
  get,
  isAlive,
  procStat,
  recordedPid,
  useSimulator,
  waitFor,
} from './harness.js';

const sim = useSimulator();
const mi = productOf('mi');
const apim = productOf('apim');
const healthz = (offset: number) => `http://127.0.0.1:${9191 + offset}/healthz`;

describe('the simulated start scripts, like the real Carbon scripts', () => {
  it('refuses to start without a usable JAVA_HOME: an error and exit 1', async () => {
    const home = await sim.home('mi');
    const unset = sim.start(home, { env: { JAVA_HOME: undefined } });
    expect(await unset.exited).toEqual({ code: 1, signal: null });
    expect(unset.output()).toBe('Error: JAVA_HOME is not defined correctly.\n CARBON cannot execute java\n');

    const wrong = sim.start(home, { env: { JAVA_HOME: '/nonexistent/jdk' } });
    expect(await wrong.exited).toEqual({ code: 1, signal: null });
    expect(wrong.output()).toContain(' CARBON cannot execute /nonexistent/jdk/bin/java');
  });

  it('takes $JAVACMD before $JAVA_HOME, but still wants JAVA_HOME set', async () => {
    const home = await sim.home('apim');
    const run = sim.start(home, { env: { JAVA_HOME: undefined, JAVACMD: join(sim.javaHome(), 'bin/java') } });
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.output()).toContain('You must set the JAVA_HOME variable before running CARBON.');
  });

  it('MI on an unsupported JDK prints the error and exits 0 without starting a JVM', async () => {
    const home = await sim.home('mi');
    for (const version of ['21', '8']) {
      const run = sim.start(home, { env: { WSO2_SIM_JAVA_VERSION: version } });
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.output()).toBe(
        ' Starting WSO2 MI (in unsupported JDK)\n [ERROR] WSO2 MI is supported only between JDK 11 and JDK 17\n',
      );
      expect(mi.startFailures.some((failure) => failure.test(run.output()))).toBe(true);
    }
    expect(recordedPid(home)).toBeUndefined();
  });

  it('API-M on an unsupported JDK only warns, prints its environment and starts', async () => {
    const offset = await freeOffset('apim');
    const home = await sim.home('apim');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`], env: { WSO2_SIM_JAVA_VERSION: '25' } });
    await run.waitForLine(apim.readyLine);
    const output = run.output();
    expect(output).toContain(
      ' Starting WSO2 Carbon (in unsupported JDK)\n [ERROR] CARBON is supported only between JDK 11 and JDK 21\n',
    );
    expect(output).toContain(`JAVA_HOME environment variable is set to ${sim.javaHome()}\n`);
    expect(output).toContain(`CARBON_HOME environment variable is set to ${home.home}\n`);
    expect(output).toContain('Using Java memory options: -Xms256m -Xmx1024m\n');
  });

  it('runs the JVM as a child of the shell, with the -D arguments and -Dcarbon.home, beside a diagnostics child', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`, '-Dcustom.flag=yes'] });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    expect(procStat(jvm)?.ppid).toBe(run.pid);
    const jvmArgs = commandLine(jvm);
    expect(jvmArgs).toContain(`-Dcarbon.home=${home.home}`);
    expect(jvmArgs).toContain('-Dcustom.flag=yes');
    expect(jvmArgs).toContain('org.wso2.micro.integrator.bootstrap.Bootstrap');

    const diagnostics = childrenOf(run.pid).filter((pid) =>
      commandLine(pid).includes('org.wso2.diagnostics.DiagnosticsApp'),
    );
    expect(diagnostics).toHaveLength(1);

    process.kill(jvm, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    // The EXIT trap stopped the diagnostics tool.
    await waitFor('the diagnostics tool to end', () => !isAlive(diagnostics[0] as number));
  });

  it('exits 0 after the JVM crashes with a non-zero status', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, {
      args: [`-DportOffset=${offset}`],
      env: { WSO2_SIM_CRASH_AFTER_MS: '0', WSO2_SIM_CRASH_EXIT_CODE: '3' },
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('# A fatal error has been detected by the Java Runtime Environment:');
    expect(mi.shutdownLines.some((line) => line.test(run.output()))).toBe(false);
  });

  it('exits 0 after the JVM is killed with SIGKILL', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    process.kill(recordedPid(home) as number, 'SIGKILL');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it('dies alone on SIGTERM to the shell, leaving the JVM running with its ports (an orphan)', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    process.kill(run.pid, 'SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isAlive(jvm)).toBe(true);
    expect((await get(healthz(offset))).status).toBe(200);
    for (const { port } of portSet(mi, offset)) expect(await canConnect(port)).toBe(true);
  });

  it('defers SIGINT to the shell until the JVM has exited, then exits 0', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    const jvm = recordedPid(home) as number;
    process.kill(run.pid, 'SIGINT');
    // A round trip to the server gives the shell time to act on the signal, had it not deferred it.
    expect((await get(healthz(offset))).status).toBe(200);
    expect(isAlive(run.pid)).toBe(true);
    process.kill(jvm, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it('runs the JVM again while it exits 121, once per run of the script', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    const env = { WSO2_SIM_RESTART_AFTER_MS: '50', WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS: '400' };
    for (let runIndex = 0; runIndex < 2; runIndex++) {
      const run = sim.start(home, { args: [`-DportOffset=${offset}`], env });
      // The second JVM of the run does not restart again: it shuts down from the "console" and the script ends.
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.lines(mi.readyLine)).toHaveLength(2);
      expect(run.lines(/Starting a new Carbon instance\. Current instance will be shutdown/)).toHaveLength(1);
      expect(run.lines(/Halting JVM/)).toHaveLength(1);
      expect(run.lines(/Carbon Home/)).toHaveLength(2); // two JVMs, each logging its preamble
    }
  });

  it('empties $CARBON_HOME/tmp at start', async () => {
    const offset = await freeOffset('mi');
    const home = await sim.home('mi');
    mkdirSync(join(home.home, 'tmp/work/nested'), { recursive: true });
    writeFileSync(join(home.home, 'tmp/leftover.txt'), 'from the last run');
    const run = sim.start(home, { args: [`-DportOffset=${offset}`] });
    await run.waitForLine(mi.readyLine);
    expect(existsSync(join(home.home, 'tmp/leftover.txt'))).toBe(false);
    expect(existsSync(join(home.home, 'tmp/work'))).toBe(false);
    expect(existsSync(join(home.home, 'tmp'))).toBe(true);
  });

  it('honours an inherited CARBON_HOME: another home is used, its tmp emptied and its pid file written', async () => {
    const offset = await freeOffset('mi');
    const own = await sim.home('mi');
    const other = await sim.home('mi');
    writeFileSync(join(other.home, 'tmp/leftover.txt'), 'x');
    const run = sim.start(own, { args: [`-DportOffset=${offset}`], env: { CARBON_HOME: other.home } });
    await run.waitForLine(mi.readyLine);
    expect(recordedPid(other)).toBeGreaterThan(0);
    expect(recordedPid(own)).toBeUndefined();
    expect(existsSync(join(other.home, 'tmp/leftover.txt'))).toBe(false);
    expect(readFileSync(join(other.home, mi.carbonLog), 'utf8')).toMatch(mi.readyLine);
    expect(existsSync(join(own.home, mi.carbonLog))).toBe(false);
  });
});
