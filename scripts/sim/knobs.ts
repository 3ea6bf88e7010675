/**
 * Fault knobs of the simulated runtimes: environment variables named `WSO2_SIM_*`, read once when the "JVM"
 * starts, validated, and handed to the rest of the simulator as one typed object. Every knob is documented in
 * scripts/sim/README.md (the one place); this file is the one place that parses them.
 *
 * Durations are milliseconds everywhere, so a test can make each fault short.
 */

export const knobNames = {
  startupDelayMs: 'WSO2_SIM_STARTUP_DELAY_MS',
  crashAfterMs: 'WSO2_SIM_CRASH_AFTER_MS',
  crashAfterReadyMs: 'WSO2_SIM_CRASH_AFTER_READY_MS',
  crashExitCode: 'WSO2_SIM_CRASH_EXIT_CODE',
  restartAfterMs: 'WSO2_SIM_RESTART_AFTER_MS',
  restartOnUsr2: 'WSO2_SIM_RESTART_ON_SIGUSR2',
  ignoreSigterm: 'WSO2_SIM_IGNORE_SIGTERM',
  shutdownDelayMs: 'WSO2_SIM_SHUTDOWN_DELAY_MS',
  grandchild: 'WSO2_SIM_GRANDCHILD',
  outputBytes: 'WSO2_SIM_OUTPUT_BYTES',
  notReadyMs: 'WSO2_SIM_NOT_READY_MS',
  exitOnBusyPort: 'WSO2_SIM_EXIT_ON_BUSY_PORT',
  consoleShutdownAfterMs: 'WSO2_SIM_CONSOLE_SHUTDOWN_AFTER_MS',
  readyStamp: 'WSO2_SIM_READY_STAMP',
  lifecycleStamp: 'WSO2_SIM_LIFECYCLE_STAMP',
  logEveryMs: 'WSO2_SIM_LOG_EVERY_MS',
  /** Read by the fake JDK's `java -version` (a sh script), validated here too so a typo fails loudly. */
  javaVersion: 'WSO2_SIM_JAVA_VERSION',
} as const;

export type KnobName = (typeof knobNames)[keyof typeof knobNames];

export interface Knobs {
  /** Between the first listeners and the last ones (health ports) plus the ready line. */
  readonly startupDelayMs: number;
  /** Counted from the JVM's start, so it can hit before or after the ready line. */
  readonly crashAfterMs: number | undefined;
  /** Counted from the ready line: a crash of a server that was surely ready, however loaded the machine. */
  readonly crashAfterReadyMs: number | undefined;
  readonly crashExitCode: number;
  /** Counted from the ready line; once per run of the start script. */
  readonly restartAfterMs: number | undefined;
  /** After the ready line, SIGUSR2 is a restart request (exit 121) at a moment a test chooses (chaos). */
  readonly restartOnUsr2: boolean;
  readonly ignoreSigterm: boolean;
  /** How long a graceful shutdown holds its ports before releasing them. */
  readonly shutdownDelayMs: number;
  readonly grandchild: boolean;
  readonly outputBytes: number;
  /** Counted from the ready line. */
  readonly notReadyMs: number;
  readonly exitOnBusyPort: boolean;
  /** Counted from the ready line. */
  readonly consoleShutdownAfterMs: number | undefined;
  readonly readyStamp: string | undefined;
  /** A file that gets a line when this JVM's code starts and when it crashes (respawn benchmark). */
  readonly lifecycleStamp: string | undefined;
  /** After the ready line, one numbered INFO line that often, as a busy server logs (capture faults). */
  readonly logEveryMs: number | undefined;
  readonly javaVersion: string;
}

export class KnobError extends Error {
  override readonly name = 'KnobError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses every knob; throws one KnobError naming each bad variable, what it holds and what it wants. */
export function readKnobs(env: Env): Knobs {
  const problems: string[] = [];
  const read = <T>(name: KnobName, parse: (raw: string) => T | undefined, wants: string): T | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = parse(raw.trim());
    if (value === undefined) problems.push(`${name} must be ${wants}, got ${JSON.stringify(raw)}`);
    return value;
  };
  const ms = (name: KnobName) => read(name, parseNonNegativeInt, 'a whole number of milliseconds (>= 0)');
  const flag = (name: KnobName) => read(name, parseFlag, '1, 0, true or false') ?? false;

  const knobs: Knobs = {
    startupDelayMs: ms(knobNames.startupDelayMs) ?? 0,
    crashAfterMs: ms(knobNames.crashAfterMs),
    crashAfterReadyMs: ms(knobNames.crashAfterReadyMs),
    crashExitCode: read(knobNames.crashExitCode, parseExitCode, 'an exit code from 0 to 255') ?? 1,
    restartAfterMs: ms(knobNames.restartAfterMs),
    restartOnUsr2: flag(knobNames.restartOnUsr2),
    ignoreSigterm: flag(knobNames.ignoreSigterm),
    shutdownDelayMs: ms(knobNames.shutdownDelayMs) ?? 0,
    grandchild: flag(knobNames.grandchild),
    outputBytes: read(knobNames.outputBytes, parseNonNegativeInt, 'a whole number of bytes (>= 0)') ?? 0,
    notReadyMs: ms(knobNames.notReadyMs) ?? 0,
    exitOnBusyPort: flag(knobNames.exitOnBusyPort),
    consoleShutdownAfterMs: ms(knobNames.consoleShutdownAfterMs),
    readyStamp: read(knobNames.readyStamp, (raw) => raw, 'a file path'),
    lifecycleStamp: read(knobNames.lifecycleStamp, (raw) => raw, 'a file path'),
    logEveryMs: read(knobNames.logEveryMs, parsePositiveInt, 'a whole number of milliseconds (>= 1)'),
    javaVersion:
      read(knobNames.javaVersion, parseJavaVersion, 'a Java version such as 17, 21.0.2 or 1.8.0_412') ?? '17',
  };
  if (problems.length > 0) throw new KnobError(`bad simulator knob(s):\n  ${problems.join('\n  ')}`);
  return knobs;
}

function parseNonNegativeInt(raw: string): number | undefined {
  return /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;
}

function parsePositiveInt(raw: string): number | undefined {
  const value = parseNonNegativeInt(raw);
  return value !== undefined && value > 0 ? value : undefined;
}

function parseExitCode(raw: string): number | undefined {
  const code = parseNonNegativeInt(raw);
  return code !== undefined && code <= 255 ? code : undefined;
}

function parseFlag(raw: string): boolean | undefined {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  return undefined;
}

/** Same shapes the fake JDK turns into a `java -version` line: `17`, `21.0.2`, `1.8.0_412`. */
function parseJavaVersion(raw: string): string | undefined {
  return /^\d+(\.\d+)*(_\d+)?$/.test(raw) ? raw : undefined;
}
