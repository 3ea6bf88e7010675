import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { burstLine, burstLineLength } from '../../scripts/sim/faults.js';
import { parseJavaCommandLine } from '../../scripts/sim/java-args.js';
import { KnobError, readKnobs } from '../../scripts/sim/knobs.js';
import { readServerConfig, ServerConfigError } from '../../scripts/sim/server-config.js';
import { productOf } from '../../src/products/catalog.js';

describe('parseJavaCommandLine', () => {
  it('splits JVM options, main class and program arguments, and reads -D from both sides', () => {
    const command = parseJavaCommandLine([
      '-Xms256m',
      '-classpath',
      '/home/lib/*',
      '--add-opens',
      'java.base/java.net=ALL-UNNAMED',
      '-Dcarbon.home=/home',
      '-Dempty',
      'org.wso2.carbon.bootstrap.Bootstrap',
      '-DportOffset=3',
      '-DworkerNode',
      'plain-arg',
    ]);
    expect(command.mainClass).toBe('org.wso2.carbon.bootstrap.Bootstrap');
    expect(command.programArgs).toEqual(['-DportOffset=3', '-DworkerNode', 'plain-arg']);
    expect(Object.fromEntries(command.systemProperties)).toEqual({
      'carbon.home': '/home',
      empty: '',
      portOffset: '3',
      workerNode: 'true',
    });
  });

  it('lets a program argument win over a JVM option, as Carbon sets it after the JVM did', () => {
    const command = parseJavaCommandLine(['-DportOffset=1', 'Main', '-DportOffset=2']);
    expect(command.systemProperties.get('portOffset')).toBe('2');
  });

  it('finds no main class in a command line of options only', () => {
    expect(parseJavaCommandLine(['-Xmx1g', '-cp', 'a.jar']).mainClass).toBeUndefined();
  });
});

describe('readKnobs', () => {
  it('defaults every knob', () => {
    expect(readKnobs({})).toEqual({
      startupDelayMs: 0,
      crashAfterMs: undefined,
      crashExitCode: 1,
      restartAfterMs: undefined,
      restartOnUsr2: false,
      ignoreSigterm: false,
      shutdownDelayMs: 0,
      grandchild: false,
      outputBytes: 0,
      notReadyMs: 0,
      exitOnBusyPort: false,
      consoleShutdownAfterMs: undefined,
      readyStamp: undefined,
      javaVersion: '17',
    });
  });

  it('reads set knobs', () => {
    const knobs = readKnobs({
      WSO2_SIM_STARTUP_DELAY_MS: '250',
      WSO2_SIM_CRASH_AFTER_MS: '0',
      WSO2_SIM_CRASH_EXIT_CODE: '137',
      WSO2_SIM_IGNORE_SIGTERM: 'true',
      WSO2_SIM_JAVA_VERSION: '1.8.0_412',
      WSO2_SIM_READY_STAMP: '/tmp/stamps',
      WSO2_SIM_LOG_EVERY_MS: '50',
    });
    expect(knobs).toMatchObject({
      startupDelayMs: 250,
      crashAfterMs: 0,
      crashExitCode: 137,
      ignoreSigterm: true,
      javaVersion: '1.8.0_412',
      readyStamp: '/tmp/stamps',
      logEveryMs: 50,
    });
  });

  it('names every malformed knob at once', () => {
    const read = () =>
      readKnobs({ WSO2_SIM_NOT_READY_MS: '-5', WSO2_SIM_CRASH_EXIT_CODE: '300', WSO2_SIM_GRANDCHILD: 'on' });
    expect(read).toThrow(KnobError);
    expect(read).toThrow(/WSO2_SIM_NOT_READY_MS must be a whole number of milliseconds \(>= 0\), got "-5"/);
    expect(read).toThrow(/WSO2_SIM_CRASH_EXIT_CODE must be an exit code from 0 to 255, got "300"/);
    expect(read).toThrow(/WSO2_SIM_GRANDCHILD must be 1, 0, true or false, got "on"/);
  });
});

describe('readServerConfig', () => {
  const root = mkdtempSync(join(tmpdir(), 'wso2-sim-config-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const mi = productOf('mi');
  const homeWith = (name: string, toml: string | undefined) => {
    const home = join(root, name);
    if (toml !== undefined) {
      const file = join(home, mi.offsetConfig.file);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, toml);
    }
    return home;
  };

  it('prefers -DportOffset, then [server] offset, then the product default', () => {
    const home = homeWith('with-offset', '[server]\nhostname = "mi.local"\noffset = 4\n');
    expect(readServerConfig(mi, home, '9')).toEqual({
      offset: 9,
      offsetSource: 'portOffset',
      hostname: 'mi.local',
    });
    expect(readServerConfig(mi, home, undefined)).toMatchObject({
      offset: 4,
      offsetSource: 'deployment.toml',
    });
    const bare = homeWith('commented', '[server]\n# offset  = 10\n');
    expect(readServerConfig(mi, bare, undefined)).toEqual({
      offset: 10,
      offsetSource: 'default',
      hostname: 'localhost',
    });
    expect(readServerConfig(productOf('apim'), homeWith('none', undefined), undefined).offset).toBe(0);
  });

  it('refuses a portOffset Java could not parse, and a broken deployment.toml', () => {
    expect(() => readServerConfig(mi, homeWith('x', undefined), '3a')).toThrow(ServerConfigError);
    expect(() => readServerConfig(mi, homeWith('broken', '[server\noffset = 1'), undefined)).toThrow(
      ServerConfigError,
    );
  });
});

describe('burstLine', () => {
  it('is exactly one fixed-width numbered line', () => {
    expect(burstLine(42)).toMatch(/^SIM-OUTPUT 00000042 x+\n$/);
    expect(burstLine(42)).toHaveLength(burstLineLength);
  });
});
