/** What the supervisor must know about one WSO2 product. Facts live in one file per product, each cited. */

export type Scheme = 'http' | 'https' | 'tcp';

export interface PortSpec {
  /** Port at offset 0; the effective port is `base + offset`. */
  readonly base: number;
  /** Short identifier, stable for scripts and `--json`. */
  readonly name: string;
  readonly purpose: string;
  readonly scheme: Scheme;
  /** Paths worth showing a user as URL hints on this port. */
  readonly urlPaths?: readonly string[];
}

/** An HTTP(S) request that answers 200 when the product is in the state it names. */
export interface HealthCheck {
  readonly portBase: number;
  readonly scheme: 'http' | 'https';
  readonly path: string;
}

export interface Product {
  readonly id: ProductId;
  readonly displayName: string;
  /** Offset the runtime applies when none is given (`[server] offset` default of its config template). */
  readonly defaultOffset: number;
  /** Start scripts relative to the product's home. */
  readonly startScript: { readonly sh: string; readonly bat: string };
  /** `deployment.toml`, relative to the home, where `[server] offset` may be set. */
  readonly deploymentToml: string;
  /** The Carbon log the runtime writes itself, relative to the home. */
  readonly carbonLog: string;
  /** Pid file written by the JVM, relative to the home (stale after any stop). */
  readonly pidFile: string;
  /** Every port the runtime opens by default, in the order the docs list them. */
  readonly ports: readonly PortSpec[];
  /** Log line after which the server is up; readiness probing starts only after it. */
  readonly readyLine: RegExp;
  /** Answers 200 once the product really serves traffic. */
  readonly readiness: HealthCheck;
  /** Answers 200 while the server is alive. */
  readonly liveness: HealthCheck;
  /**
   * Lines a graceful shutdown prints, in order. The first opens it and is printed on no other path (a 121
   * restart logs "Gracefully restarting" and "Halting JVM" instead): seen just before an exit, it makes the
   * exit a clean one.
   */
  readonly shutdownLines: readonly [RegExp, ...RegExp[]];
  /** Output that means the start failed even though the script carries on or exits 0. */
  readonly startFailures: readonly RegExp[];
}

export const productIds = ['mi', 'apim'] as const;
export type ProductId = (typeof productIds)[number];

/** Output that means a port the runtime wanted was taken (both products carry on without it). */
export const bindFailure = /java\.net\.BindException/;
