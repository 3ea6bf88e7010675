import { productOf } from '../products/catalog.js';
import type { ProductId } from '../products/product.js';
import type { ManifestInput, ReadinessOverride, RestartPolicy } from './schema.js';

/** One instance with every default applied and every path absolute: what the planner and engine use. */
export interface InstanceConfig {
  readonly name: string;
  readonly product: ProductId;
  readonly home: string;
  readonly script: string;
  /** Offset the manifest pins, or `auto`. */
  readonly offset: number | 'auto';
  /** `[server] offset` found in the home's deployment.toml: a pin when the manifest gives none. */
  readonly configOffset?: number;
  readonly dependsOn: readonly string[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly autostart: boolean;
  readonly restart: {
    readonly policy: RestartPolicy;
    readonly maxRestarts: number;
    readonly windowSeconds: number;
    readonly backoff: { readonly initialSeconds: number; readonly maxSeconds: number };
  };
  readonly startTimeoutSeconds: number;
  readonly stopTimeoutSeconds: number;
  readonly readiness?: ReadinessOverride;
  readonly unhealthyAfterSeconds?: number;
  readonly logs: { readonly maxBytes: number; readonly files: number };
}

export interface Manifest {
  readonly file: string;
  readonly stateDir: string;
  readonly offsets: { readonly min: number; readonly max: number };
  readonly instances: readonly InstanceConfig[];
}

/** Built-in defaults, from the contract. */
export const builtInDefaults: {
  readonly restart: InstanceConfig['restart'];
  readonly startTimeoutSeconds: number;
  readonly stopTimeoutSeconds: number;
  readonly autostart: boolean;
  readonly logs: InstanceConfig['logs'];
  readonly offsets: Manifest['offsets'];
} = {
  restart: {
    policy: 'on-failure',
    maxRestarts: 5,
    windowSeconds: 300,
    backoff: { initialSeconds: 1, maxSeconds: 60 },
  },
  startTimeoutSeconds: 300,
  stopTimeoutSeconds: 60,
  autostart: true,
  logs: { maxBytes: 10 * 1024 * 1024, files: 5 },
  offsets: { min: 0, max: 1000 },
};

/** Facts read from each home, by instance index. */
export interface HomePaths {
  readonly home: string;
  readonly script: string;
  readonly configOffset?: number;
}

/** Applies built-ins, then `defaults`, then the instance's own settings (instance wins, objects merge). */
export function resolveManifest(
  input: ManifestInput,
  file: string,
  stateDir: string,
  homes: readonly HomePaths[],
): Manifest {
  const shared = input.defaults ?? {};
  const instances = input.instances.map((instance, index): InstanceConfig => {
    const home = homes[index] as HomePaths;
    const { backoff: defaultBackoff, ...defaultRestart } = builtInDefaults.restart;
    const { backoff: sharedBackoff, ...sharedRestart } = shared.restart ?? {};
    const { backoff: ownBackoff, ...ownRestart } = instance.restart ?? {};
    const restart = layer(defaultRestart, sharedRestart, ownRestart);
    const backoff = layer(defaultBackoff, sharedBackoff, ownBackoff);
    const unhealthyAfterSeconds = instance.unhealthyAfterSeconds ?? shared.unhealthyAfterSeconds;
    return {
      name: instance.name,
      product: instance.product,
      home: home.home,
      script: home.script,
      offset: instance.offset ?? 'auto',
      ...(home.configOffset === undefined ? {} : { configOffset: home.configOffset }),
      dependsOn: instance.dependsOn ?? [],
      args: instance.args ?? [],
      env: { ...shared.env, ...instance.env },
      autostart: instance.autostart ?? shared.autostart ?? builtInDefaults.autostart,
      restart: { ...restart, backoff },
      startTimeoutSeconds:
        instance.startTimeoutSeconds ?? shared.startTimeoutSeconds ?? builtInDefaults.startTimeoutSeconds,
      stopTimeoutSeconds:
        instance.stopTimeoutSeconds ??
        shared.stopTimeoutSeconds ??
        productOf(instance.product).stopTimeoutSeconds ??
        builtInDefaults.stopTimeoutSeconds,
      ...(instance.readiness === undefined ? {} : { readiness: instance.readiness }),
      ...(unhealthyAfterSeconds === undefined ? {} : { unhealthyAfterSeconds }),
      logs: layer(builtInDefaults.logs, shared.logs, instance.logs),
    };
  });
  const offsets = layer(builtInDefaults.offsets, input.offsets);
  return { file, stateDir, offsets, instances };
}

type Overrides<T> = { readonly [K in keyof T]?: T[K] | undefined } | undefined;

/** `base` with each defined value of the later layers on top (later wins); undefined never overrides. */
function layer<T extends object>(base: T, ...overrides: Overrides<T>[]): T {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override ?? {})) if (value !== undefined) result[key] = value;
  }
  return result as T;
}
