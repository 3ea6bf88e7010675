import { readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EffectivePort } from '../../src/products/catalog.js';
import { appendReadyStamp, claimRestartOnce, crash, outputBurst, startGrandchild } from './faults.js';
import type { BindOutcome, Flavour, Opener, RuntimeConfig, Unsatisfied } from './flavour.js';
import type { Knobs } from './knobs.js';
import { type Listener, listen } from './listeners.js';
import { CarbonLog, type LogEvent } from './log.js';
import { ServerConfigError } from './server-config.js';

/**
 * The life of one simulated Carbon server: pid file, start-up (early listeners, delay, late listeners, ready
 * lines), the fault timers, and the graceful shutdown a signal or the console asks for.
 */
export interface ServerOptions {
  readonly flavour: Flavour;
  readonly knobs: Knobs;
  readonly carbonHome: string;
  readonly tmpDir: string;
  /** System properties from JVM options and program arguments. */
  readonly properties: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class SimulatedServer {
  private readonly log: CarbonLog;
  private readonly listeners: Listener[] = [];
  private readyAt: number | undefined;
  private stopping = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** The bind in flight, so that a shutdown never misses a port that is being opened. */
  private binding: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ServerOptions) {
    const { product } = options.flavour;
    this.log = new CarbonLog(product.id, join(options.carbonHome, product.carbonLog));
  }

  async start(): Promise<void> {
    const { flavour, knobs, carbonHome, tmpDir } = this.options;
    this.writePidFile();
    this.handleSignals();
    if (knobs.crashAfterMs !== undefined) {
      const { crashAfterMs, crashExitCode, lifecycleStamp } = knobs;
      this.later(crashAfterMs - performance.now(), () => crash(crashExitCode, crashAfterMs, lifecycleStamp));
    }
    this.log.write(...flavour.preamble(carbonHome, tmpDir));
    const config = this.readConfig();
    if (knobs.grandchild) startGrandchild(join(carbonHome, flavour.layout.grandchildPid), this.log);
    if (config.unsatisfied !== undefined) this.neverReady(config.unsatisfied);

    const handler = flavour.handler({
      config,
      notReadyMs: knobs.notReadyMs,
      log: this.log,
      readyAt: () => this.readyAt,
    });
    const tls = this.readTls();
    const open: Opener = async (port, say) => {
      if (this.stopping) return 'stopped';
      const binding = this.bind(port, say, { tls, handler });
      this.binding = binding;
      return binding;
    };

    await flavour.openEarly(config, open);
    await new Promise<void>((resolve) => this.later(knobs.startupDelayMs, resolve));
    // Carbon 5 binds its HTTP listeners asynchronously: with WSO2_SIM_NOT_READY_MS they come after the ready line.
    const lag = flavour.lateListenersLagReady && config.unsatisfied === undefined ? knobs.notReadyMs : 0;
    if (lag === 0) await flavour.openLate(config, open);
    if (this.stopping || config.unsatisfied !== undefined) return;

    this.readyAt = Date.now();
    // Armed before the ready line, not after: a test that signals as soon as it reads the line could
    // otherwise kill the JVM with SIGUSR2's default action (seen once on a loaded machine).
    if (knobs.restartOnUsr2) {
      process.on('SIGUSR2', () => {
        if (this.stopping) return;
        this.log.write(...flavour.restartLines());
        this.exit(121);
      });
    }
    this.log.write(...flavour.readyLines(performance.now(), config));
    if (lag > 0) this.later(lag, () => void flavour.openLate(config, open));
    this.afterReady();
  }

  /** A component that cannot start holds the ready line back for good; the kernel says so from time to time. */
  private neverReady(unsatisfied: Unsatisfied): void {
    this.log.write(unsatisfied.reason);
    this.later(60_000, () => {
      this.log.write(unsatisfied.pending);
      this.timers.push(setInterval(() => this.log.write(unsatisfied.pending), 30_000));
    });
  }

  private afterReady(): void {
    const { knobs, flavour, carbonHome } = this.options;
    const { readyStamp, notReadyMs } = knobs;
    if (readyStamp !== undefined) {
      // Stamped when readiness begins to answer 200, asked or not: the true ready time a supervisor is
      // measured against, not the moment its own probe happened to ask.
      const readyAt = (this.readyAt ?? Date.now()) + notReadyMs;
      this.later(notReadyMs, () => appendReadyStamp(readyStamp, carbonHome, readyAt, this.log));
    }
    if (knobs.restartAfterMs !== undefined) {
      this.later(knobs.restartAfterMs, () => {
        if (!claimRestartOnce(join(carbonHome, flavour.layout.restartMarker))) return;
        this.log.write(...flavour.restartLines());
        this.exit(121);
      });
    }
    if (knobs.crashAfterReadyMs !== undefined) {
      const { crashAfterReadyMs, crashExitCode, lifecycleStamp } = knobs;
      this.later(crashAfterReadyMs, () => crash(crashExitCode, crashAfterReadyMs, lifecycleStamp));
    }
    if (knobs.consoleShutdownAfterMs !== undefined) {
      this.later(knobs.consoleShutdownAfterMs, () => void this.shutdown(undefined));
    }
    if (knobs.outputBytes > 0) void outputBurst(knobs.outputBytes, this.log, knobs.lifecycleStamp);
    if (knobs.logEveryMs !== undefined) {
      let count = 0;
      const every = setInterval(() => {
        if (this.stopping) return clearInterval(every);
        this.log.write({
          level: 'INFO',
          logger: 'org.wso2.carbon.sim.Heartbeat',
          message: `Simulated activity ${++count}`,
        });
      }, knobs.logEveryMs);
      this.timers.push(every);
    }
  }

  private async bind(
    port: EffectivePort,
    say: (outcome: 'bound' | 'busy') => LogEvent[],
    options: Parameters<typeof listen>[1],
  ): Promise<BindOutcome> {
    const { knobs } = this.options;
    const result = await listen(port, options);
    if (result.ok) {
      this.log.write(...say('bound'));
      this.listeners.push(result.listener);
      return 'bound';
    }
    if (result.error.code === 'EADDRINUSE') {
      this.log.write(...say('busy'));
      if (knobs.exitOnBusyPort) {
        this.log.write({
          level: 'ERROR',
          logger: 'org.wso2.carbon.sim.Startup',
          message: `Cannot start the server: port ${port.port} (${port.name}) is in use (WSO2_SIM_EXIT_ON_BUSY_PORT)`,
        });
        this.exit(1);
      }
      return 'busy';
    }
    // Any other failure (privileged or out-of-range port) is logged and, like a bind failure, survived.
    this.log.write({
      level: 'ERROR',
      logger: 'org.wso2.carbon.sim.Listener',
      message: `Cannot listen on port ${port.port} (${port.name})`,
      exception: `java.net.SocketException: ${result.error.message}`,
    });
    return 'failed';
  }

  /** Graceful shutdown: a signal (the JVM's shutdown hook, exit 128 + signal) or the console (exit 0). */
  private async shutdown(signal: NodeJS.Signals | undefined): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    const { flavour, knobs } = this.options;
    this.log.write(...flavour.shutdownStart(signal !== undefined));
    if (knobs.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.shutdownDelayMs));
    await this.binding;
    await Promise.all(this.listeners.map((l) => l.close()));
    this.log.write(...flavour.shutdownEnd());
    this.exit(signal === undefined ? 0 : 128 + constants.signals[signal]);
  }

  private handleSignals(): void {
    // A JVM runs its shutdown hooks on SIGTERM, SIGINT and SIGHUP.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (signal === 'SIGTERM' && this.options.knobs.ignoreSigterm) return;
        void this.shutdown(signal);
      });
    }
  }

  private readConfig(): RuntimeConfig {
    const { flavour, carbonHome, properties, env } = this.options;
    try {
      return flavour.readConfig({ carbonHome, properties, env });
    } catch (error) {
      if (!(error instanceof ServerConfigError)) throw error;
      this.log.write({
        level: 'ERROR',
        logger: 'org.wso2.carbon.sim.Startup',
        message: 'Cannot read the server configuration',
        exception: error.message,
      });
      return this.exit(1);
    }
  }

  private readTls(): { key: string; cert: string } | undefined {
    try {
      const { carbonHome, flavour } = this.options;
      const at = (file: string) => readFileSync(join(carbonHome, file), 'utf8');
      return { key: at(flavour.layout.key), cert: at(flavour.layout.cert) };
    } catch {
      this.log.write({
        level: 'WARN',
        logger: 'org.wso2.carbon.sim.Listener',
        message: `No certificate at ${this.options.flavour.layout.cert}: HTTPS ports accept plain TCP only`,
      });
      return undefined;
    }
  }

  /**
   * The pid file holds the JVM's own pid, never removed (stale after any stop). MI and Carbon 5 write the bare
   * pid (`server/Main.java`, carbon-kernel 5 launcher `Main.writePID`); carbon-kernel 4 pads API-M's with a
   * newline and NUL bytes to 100 bytes.
   */
  private writePidFile(): void {
    const { flavour, carbonHome, properties } = this.options;
    const { product } = flavour;
    const pid = String(process.pid);
    const content = product.id === 'apim' ? Buffer.alloc(100, 0) : Buffer.from(pid);
    if (product.id === 'apim') content.write(`${pid}\n`);
    try {
      writeFileSync(flavour.pidFile(carbonHome, properties), content);
    } catch (error) {
      // MI's `writePID` only warns when it cannot write the file.
      this.log.write({
        level: 'WARN',
        logger: 'org.wso2.carbon.sim.Main',
        message: `Cannot write process ID '${pid}': ${(error as Error).message}`,
      });
    }
  }

  private later(ms: number, run: () => void): void {
    this.timers.push(setTimeout(run, Math.max(0, ms)));
  }

  private exit(code: number): never {
    this.log.close();
    process.exit(code);
  }
}
