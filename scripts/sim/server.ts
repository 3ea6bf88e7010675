import { readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type EffectivePort, portSet } from '../../src/products/catalog.js';
import { appendReadyStamp, claimRestartOnce, crash, outputBurst, startGrandchild } from './faults.js';
import type { Flavour } from './flavours.js';
import { healthHandler } from './health.js';
import { homeLayout } from './home-layout.js';
import type { Knobs } from './knobs.js';
import { type Listener, listen } from './listeners.js';
import { CarbonLog } from './log.js';
import { readServerConfig, type ServerConfig, ServerConfigError } from './server-config.js';

/**
 * The life of one simulated Carbon server: pid file, start-up (early listeners, delay, late listeners, ready
 * lines), the fault timers, and the graceful shutdown a signal or the console asks for.
 */
export interface ServerOptions {
  readonly flavour: Flavour;
  readonly knobs: Knobs;
  readonly carbonHome: string;
  readonly tmpDir: string;
  /** The `portOffset` system property, if given. */
  readonly portOffset: string | undefined;
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
    if (knobs.grandchild) startGrandchild(carbonHome, this.log);

    const ports = portSet(flavour.product, config.offset);
    const handler = healthHandler({
      flavour,
      offset: config.offset,
      notReadyMs: knobs.notReadyMs,
      log: this.log,
      readyAt: () => this.readyAt,
    });
    const tls = this.readTls();
    const bindEach = async (selected: EffectivePort[]) => {
      for (const port of selected) {
        if (this.stopping) return;
        this.binding = this.bind(port, config.offset, { tls, handler });
        await this.binding;
      }
    };

    await bindEach(ports.filter((p) => !flavour.latePorts.has(p.name)));
    await new Promise<void>((resolve) => this.later(knobs.startupDelayMs, resolve));
    await bindEach(ports.filter((p) => flavour.latePorts.has(p.name)));
    if (this.stopping) return;

    this.readyAt = Date.now();
    this.log.write(...flavour.readyLines(performance.now(), ports, config.hostname));
    this.afterReady();
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
        if (!claimRestartOnce(carbonHome)) return;
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
    offset: number,
    options: Parameters<typeof listen>[1],
  ): Promise<void> {
    const { flavour, knobs } = this.options;
    const result = await listen(port, options);
    const line = flavour.listenerLine(port, offset);
    if (line !== undefined) this.log.write(line);
    if (result.ok) {
      this.listeners.push(result.listener);
      return;
    }
    if (result.error.code === 'EADDRINUSE') {
      this.log.write(flavour.bindFailure(port));
      if (knobs.exitOnBusyPort) {
        this.log.write({
          level: 'ERROR',
          logger: 'org.wso2.carbon.sim.Startup',
          message: `Cannot start the server: port ${port.port} (${port.name}) is in use (WSO2_SIM_EXIT_ON_BUSY_PORT)`,
        });
        this.exit(1);
      }
      return;
    }
    // Any other failure (privileged or out-of-range port) is logged and, like a bind failure, survived.
    this.log.write({
      level: 'ERROR',
      logger: 'org.wso2.carbon.sim.Listener',
      message: `Cannot listen on port ${port.port} (${port.name})`,
      exception: `java.net.SocketException: ${result.error.message}`,
    });
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

  private readConfig(): ServerConfig {
    const { flavour, carbonHome, portOffset } = this.options;
    try {
      return readServerConfig(flavour.product, carbonHome, portOffset);
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
      const at = (file: string) => readFileSync(join(this.options.carbonHome, file), 'utf8');
      return { key: at(homeLayout.key), cert: at(homeLayout.cert) };
    } catch {
      this.log.write({
        level: 'WARN',
        logger: 'org.wso2.carbon.sim.Listener',
        message: `No certificate at ${homeLayout.cert}: HTTPS ports accept plain TCP only`,
      });
      return undefined;
    }
  }

  /**
   * `wso2carbon.pid` holds the JVM's own pid, never removed (stale after any stop). MI writes the bare pid
   * (`server/Main.java` `writePID`); carbon-kernel pads API-M's with a newline and NUL bytes to 100 bytes.
   */
  private writePidFile(): void {
    const { product } = this.options.flavour;
    const pid = String(process.pid);
    const content = product.id === 'apim' ? Buffer.alloc(100, 0) : Buffer.from(pid);
    if (product.id === 'apim') content.write(`${pid}\n`);
    try {
      writeFileSync(join(this.options.carbonHome, product.pidFile), content);
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
