import type { InstanceConfig } from '../manifest/instance-config.js';
import type { Scheme } from '../products/product.js';

/**
 * The export model: one resolved, frozen description of the fleet that every export target renders from
 * (../shared/design/scale-out.md §3). Built once from the manifest and the plan; renderers only translate it.
 */

export type ExportTarget = 'kubernetes' | 'systemd' | 'compose';
export const exportTargets: readonly ExportTarget[] = ['kubernetes', 'systemd', 'compose'];

/** A check a target runs: an HTTP(S) URL answering 2xx, or ports accepting connections. */
export type ExportProbe =
  | {
      readonly kind: 'http';
      /** As the supervisor probes it, on this host (`http://127.0.0.1:9201/healthz`). */
      readonly url: string;
      readonly scheme: 'http' | 'https';
      readonly host: string;
      readonly port: number;
      /** Path with its query, as it goes on the request line. */
      readonly path: string;
    }
  | { readonly kind: 'tcp'; readonly ports: readonly number[] };

export interface ExportedPort {
  /** The catalog's name (`internal-http`, `store-api-https`). */
  readonly name: string;
  readonly port: number;
  readonly scheme: Scheme;
  readonly purpose: string;
}

/** The product's config file that may pin the offset, as read from the home (the ConfigMap's source). */
export interface ConfigFile {
  /** Relative to the home: `conf/deployment.toml`, `repository/conf/deployment.toml`, `conf/server/deployment.yaml`. */
  readonly file: string;
  readonly text: string;
}

export interface ExportedInstance {
  readonly name: string;
  readonly product: InstanceConfig['product'];
  readonly displayName: string;
  readonly home: string;
  /** Absolute start script on this host. */
  readonly script: string;
  /** The start script relative to the home, as it sits in a container image's home. */
  readonly scriptInHome: string;
  /** Frozen: the planner's choice, auto ones included, so URLs and cross-references keep working. */
  readonly offset: number;
  readonly ports: readonly ExportedPort[];
  /** The offset's own arguments first (`-DportOffset=N` for Carbon 4), then the manifest's, in order. */
  readonly args: readonly string[];
  /** `defaults.env`, then the instance's env, then what puts a Carbon 5 runtime at its offset. */
  readonly env: Readonly<Record<string, string>>;
  /** Names in `env` that look secret: their values go to a Secret or an env file, never in clear. */
  readonly secretEnv: readonly string[];
  readonly dependsOn: readonly string[];
  readonly autostart: boolean;
  readonly restart: InstanceConfig['restart'];
  readonly startTimeoutSeconds: number;
  readonly stopTimeoutSeconds: number;
  readonly unhealthyAfterSeconds?: number;
  readonly logs: InstanceConfig['logs'];
  readonly probes: {
    readonly readiness: ExportProbe;
    readonly liveness: ExportProbe;
    /** A TCP check that the server is up at all (what WSO2's charts use as startup probe). */
    readonly startup: { readonly port: number };
  };
  /** Where readiness comes from: the product's health check, or the manifest's override. */
  readonly readinessFrom: 'product' | 'http' | 'ports' | 'log';
  readonly config?: ConfigFile;
  /** The container image for the container targets. */
  readonly image: { readonly ref: string; readonly given: boolean };
}

export interface ExportModel {
  /** Absolute path of the manifest. */
  readonly manifestFile: string;
  /** A short digest of the resolved instances, so an artefact can be traced to the manifest it came from. */
  readonly manifestHash: string;
  /** In dependency order: every instance after the ones it depends on. */
  readonly instances: readonly ExportedInstance[];
}

/** Something of the manifest a target cannot express, for the user to read (printed, and in `--json`). */
export interface NotCarried {
  /** The instance it concerns, or none for the whole fleet. */
  readonly instance?: string;
  readonly what: string;
  readonly why: string;
}

/** What a renderer returns: files by relative path, and what it could not carry over. */
export interface Rendered {
  readonly files: ReadonlyMap<string, string>;
  readonly notCarried: readonly NotCarried[];
}
