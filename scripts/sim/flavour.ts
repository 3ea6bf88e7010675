import type { EffectivePort } from '../../src/products/catalog.js';
import type { Product } from '../../src/products/product.js';
import type { HomeLayout } from './home-layout.js';
import type { RequestHandler } from './listeners.js';
import type { CarbonLog, LogEvent } from './log.js';

/**
 * What the simulated server (server.ts) asks of a product: how it reads its configuration, opens its ports,
 * answers HTTP and what it logs when. Carbon 4 products (MI, API-M: carbon4.ts) and Carbon 5 products (SI, SI
 * Tooling, EI Analytics: carbon5.ts) differ in all of these, not only in their text.
 */
export interface Flavour {
  readonly product: Product;
  readonly version: string;
  /** The class the start script runs; the simulated JVM recognises the product by it (and, for Carbon 5, its yaml). */
  readonly mainClass: string;
  /** Files of the home the catalog does not name. */
  readonly layout: HomeLayout;
  /** Where the JVM writes its pid, before anything else. */
  pidFile(carbonHome: string, properties: ReadonlyMap<string, string>): string;
  /** Offset, host name and the number of every port, from the home's configuration, arguments and environment. */
  readConfig(input: ConfigInput): RuntimeConfig;
  /** Opens the ports bound at start-up, before WSO2_SIM_STARTUP_DELAY_MS. */
  openEarly(config: RuntimeConfig, open: Opener): Promise<void>;
  /** Opens the ports bound last, the ones readiness is checked on. */
  openLate(config: RuntimeConfig, open: Opener): Promise<void>;
  /**
   * Carbon 5: WSO2_SIM_NOT_READY_MS delays the late listeners past the ready line (its binding is asynchronous
   * and `/health` always says healthy once it answers); MI / API-M answer 500 that long instead.
   */
  readonly lateListenersLagReady: boolean;
  handler(deps: HandlerDeps): RequestHandler;
  preamble(carbonHome: string, tmpDir: string): LogEvent[];
  readyLines(elapsedMs: number, config: RuntimeConfig): LogEvent[];
  /** Before the transports close. `bySignal`: the JVM's shutdown hook, not a shutdown from the console. */
  shutdownStart(bySignal: boolean): LogEvent[];
  /** After the transports closed, right before the JVM exits. */
  shutdownEnd(): LogEvent[];
  /** A restart request: the JVM then exits 121 and the start script's loop runs it again. */
  restartLines(): LogEvent[];
}

export interface ConfigInput {
  readonly carbonHome: string;
  /** System properties from JVM options and program arguments. */
  readonly properties: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface RuntimeConfig {
  readonly offset: number;
  readonly hostname: string;
  /** Every port the server opens, with its effective number. */
  readonly ports: readonly EffectivePort[];
  /** Carbon 5's `wso2.carbon.name`, which its ready line names. */
  readonly serverName?: string;
  /** Lines for the start-up log saying where the configuration came from. */
  readonly notes?: readonly LogEvent[];
  /** A configuration problem that keeps the server from ever becoming ready (it keeps running). */
  readonly unsatisfied?: Unsatisfied;
}

export interface Unsatisfied {
  /** Logged at start-up. */
  readonly reason: LogEvent;
  /** Logged 60 s after start-up and every 30 s after, as Carbon 5's pending-capability timer does. */
  readonly pending: LogEvent;
}

/** `stopped`: not bound, the server is shutting down. */
export type BindOutcome = 'bound' | 'busy' | 'failed' | 'stopped';

/**
 * Binds one port and logs what the runtime says about it (`say`, given `bound` or `busy`); resolves with the
 * outcome. The server keeps the listener, or exits on a busy port when WSO2_SIM_EXIT_ON_BUSY_PORT asks it to.
 */
export type Opener = (
  port: EffectivePort,
  say: (outcome: 'bound' | 'busy') => LogEvent[],
) => Promise<BindOutcome>;

export interface HandlerDeps {
  readonly config: RuntimeConfig;
  readonly notReadyMs: number;
  readonly log: CarbonLog;
  /** Epoch ms of the ready line, undefined before it. */
  readyAt(): number | undefined;
}
