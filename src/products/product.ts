/** What the supervisor must know about one WSO2 product. Facts live in one file per product, each cited. */

export type Scheme = 'http' | 'https' | 'tcp';

export interface PortSpec {
  /** Port at offset 0; the effective port is `base + offset` (for a `fixed` port, see `follows`). */
  readonly base: number;
  /** Short identifier, stable for scripts and `--json`. */
  readonly name: string;
  readonly purpose: string;
  readonly scheme: Scheme;
  /** Paths worth showing a user as URL hints on this port. */
  readonly urlPaths?: readonly string[];
  /**
   * `offset` (the default): the runtime adds its offset itself. `fixed`: the runtime binds `base` whatever
   * its offset (Carbon 5's Siddhi Store Query API), so the supervisor moves the port for it through
   * `Product.fixedPortOverride`, by as much as the instance's offset differs from the product's default.
   */
  readonly follows?: 'offset' | 'fixed';
  /** For a fixed port: its element in the runtime's listener list (index and id, matched by id). */
  readonly listener?: { readonly index: number; readonly id: string };
  /** The runtime prints `Product.listenerLine` once this port is bound, and nothing when it cannot be. */
  readonly announced?: boolean;
}

/** An HTTP(S) request that answers 200 when the product is in the state it names. */
export interface HealthCheck {
  readonly portBase: number;
  readonly scheme: 'http' | 'https';
  readonly path: string;
  /** The answer's body must match too (Carbon 5's `/health` says `{"status":"healthy"}`). */
  readonly body?: RegExp;
}

/** How the chosen offset reaches the runtime. */
export type OffsetSetting =
  /** A `-D` program argument the start script hands to the JVM (Carbon 4: `-DportOffset=N`). */
  | { readonly kind: 'argument'; readonly property: string }
  /** An environment variable the runtime's config provider reads over its config file (Carbon 5). */
  | { readonly kind: 'environment'; readonly variable: string };

/** Where a user may pin the offset in the home's own config file. */
export interface OffsetConfig {
  /** Relative to the home. */
  readonly file: string;
  readonly format: 'toml' | 'yaml';
  /** Keys down to the offset (a YAML key may hold dots: `wso2.carbon`). */
  readonly key: readonly string[];
  /**
   * Whether the file as shipped sets the product's default offset. Then only another value is the user's
   * pin (Carbon 5's `deployment.yaml`); otherwise any value is (the line is commented out in `deployment.toml`).
   */
  readonly shipsDefault: boolean;
}

/** The offset's key as a user finds it in the file: `[server] offset`, `wso2.carbon.ports.offset`. */
export function offsetKeyOf(config: OffsetConfig): string {
  const { format, key } = config;
  return format === 'toml' ? `[${key.slice(0, -1).join('.')}] ${key.at(-1)}` : key.join('.');
}

export interface Product {
  readonly id: ProductId;
  readonly displayName: string;
  /** Offset the runtime applies when none is given; a given offset replaces it (it is not added). */
  readonly defaultOffset: number;
  readonly offsetSetting: OffsetSetting;
  readonly offsetConfig: OffsetConfig;
  /** Start scripts relative to the product's home. */
  readonly startScript: { readonly sh: string; readonly bat: string };
  /** The Carbon log the runtime writes itself, relative to the home. */
  readonly carbonLog: string;
  /** Pid file written by the JVM, relative to the home (stale after any stop). */
  readonly pidFile: string;
  /** Every port the runtime opens by default, in the order the docs list them. */
  readonly ports: readonly PortSpec[];
  /**
   * Environment variables of the product's list names for fixed ports: `<prefix>_<index>_ID` and
   * `<prefix>_<index>_PORT` (carbon-config's per-element overrides).
   */
  readonly fixedPortOverride?: { readonly prefix: string };
  /** Inherited variables the runtime honours that would point an instance elsewhere: never passed on. */
  readonly privateEnvironment?: { readonly names: readonly string[]; readonly prefixes: readonly string[] };
  /** Log line after which the server is up; readiness probing starts only after it. */
  readonly readyLine: RegExp;
  /** The line an `announced` port's listener prints once bound; its port is the first group. */
  readonly listenerLine?: RegExp;
  /** Answers 200 once the product really serves traffic. */
  readonly readiness: HealthCheck;
  /** Answers 200 while the server is alive. */
  readonly liveness: HealthCheck;
  /**
   * Lines a graceful shutdown prints, in order, or none (Carbon 5 logs nothing: an exit the supervisor did
   * not ask for is a crash). The first opens it and is printed on no other path (a 121 restart logs
   * "Gracefully restarting" and "Halting JVM" instead): seen just before an exit, it makes the exit a clean one.
   */
  readonly shutdownLines: readonly RegExp[];
  /** Output that means the start failed even though the script carries on or exits 0. */
  readonly startFailures: readonly RegExp[];
  /** How long a stop may take before SIGKILL when the manifest does not say (Carbon 5: up to 3 minutes). */
  readonly stopTimeoutSeconds?: number;
  /** Installations of this product the supervisor refuses, found by a file in the home, and why. */
  readonly refusedHomes?: readonly RefusedHome[];
}

export interface RefusedHome {
  /** Relative to the home. */
  readonly marker: string;
  readonly message: string;
  readonly hint: string;
}

export const productIds = ['mi', 'apim', 'si', 'si-tooling', 'ei-analytics'] as const;
export type ProductId = (typeof productIds)[number];

/** Output that means a port the runtime wanted was taken (the runtimes carry on without it). */
export const bindFailure = /java\.net\.BindException/;
