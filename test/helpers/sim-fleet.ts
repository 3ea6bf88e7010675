import { rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { afterEach } from 'vitest';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import type { Manifest } from '../../src/manifest/instance-config.js';
import { loadManifest } from '../../src/manifest/load.js';
import type { Plan } from '../../src/ports/planner.js';
import { planFleet } from '../../src/process/plan-fleet.js';
import { groupMembers } from '../../src/process/proc-stat.js';
import { portSet, productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';
import type { InstanceSnapshot } from '../../src/state/instance-record.js';
import { Fleet, type RunnerDefaults } from '../../src/supervisor/fleet.js';
import type { InstanceRunner } from '../../src/supervisor/instance-runner.js';
import { tempDir, writeManifest } from './fake-home.js';
import { freeOffset } from './free-offset.js';
import { closeServer } from './listen.js';

export interface SimInstance {
  readonly name: string;
  readonly product: ProductId;
  /** Simulator knobs (WSO2_SIM_*) and other environment for this instance. */
  readonly env?: Record<string, string>;
  /** An offset pinned in the home's own config file (deployment.toml or deployment.yaml). */
  readonly homeOffset?: number;
  readonly [setting: string]: unknown;
}

export interface SimFleet {
  readonly root: string;
  readonly manifest: Manifest;
  readonly plan: Plan;
  readonly fleet: Fleet;
  readonly logFile: string;
  runner(name: string): InstanceRunner;
  ports(name: string): number[];
  /** Resolves when the instance's snapshot satisfies the predicate; rejects on timeout, showing the state. */
  until(
    name: string,
    predicate: (s: InstanceSnapshot) => boolean,
    timeoutMs?: number,
  ): Promise<InstanceSnapshot>;
  cleanup(): Promise<void>;
}

/**
 * A real fleet of simulated runtimes: temp homes made by the simulator, a fake JDK, a manifest written and
 * loaded as a user's would be, offsets planned in a free high range so parallel test files never meet.
 */
export async function simFleet(
  instances: readonly SimInstance[],
  defaults: Record<string, unknown> = {},
  engine: RunnerDefaults = {},
): Promise<SimFleet> {
  const root = await tempDir('wso2-supervisor-engine-');
  const jdk = makeJdk(path.join(root, 'jdk'));
  for (const { product, name, homeOffset } of instances)
    await makeHome({
      product,
      home: path.join(root, name),
      ...(homeOffset !== undefined && { offset: homeOffset }),
    });
  const products = [...new Set(instances.map((i) => i.product))];
  const base = await freeOffset(products, instances.length + 2);
  const manifestInstances = instances.map(({ env, homeOffset: _, ...rest }) => ({
    home: rest.name,
    ...rest,
    ...(env && { env }),
  }));
  const file = await writeManifest(root, {
    stateDir: 'state',
    offsets: { min: base, max: base + instances.length + 1 },
    defaults: {
      // The fake JDK first on PATH too: the Carbon 5 scripts run their install-jars step on plain `java`.
      env: { JAVA_HOME: jdk.javaHome, PATH: `${jdk.javaHome}/bin:${process.env.PATH}` },
      startTimeoutSeconds: 30,
      stopTimeoutSeconds: 10,
      restart: { backoff: { initialSeconds: 0.05, maxSeconds: 0.2 } },
      ...defaults,
    },
    instances: manifestInstances,
  });
  const manifest = await loadManifest(file);
  const plan = await planFleet(manifest);
  if (plan.problems.length > 0)
    throw new Error(`test fleet cannot be planned: ${JSON.stringify(plan.problems)}`);
  const logFile = path.join(root, 'supervisor.log');
  const log = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
  const fleet = new Fleet(manifest, plan, log, {
    probeIntervalMs: 50,
    healthIntervalMs: 200,
    healthTimeoutMs: 500,
    ...engine,
  });
  const runner = (name: string) => {
    const found = fleet.runners.get(name);
    if (found === undefined) throw new Error(`no instance ${name}`);
    return found;
  };
  const offsetOf = (name: string) => plan.instances.find((i) => i.name === name)?.offset ?? -1;
  return {
    root,
    manifest,
    plan,
    fleet,
    logFile,
    runner,
    ports: (name) => {
      const product = instances.find((i) => i.name === name)?.product ?? 'mi';
      return portSet(productOf(product), offsetOf(name)).map((p) => p.port);
    },
    until: (name, predicate, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const r = runner(name);
        const check = () => {
          const snapshot = r.snapshot();
          if (!predicate(snapshot)) return false;
          clearTimeout(timer);
          r.off('change', check);
          resolve(snapshot);
          return true;
        };
        const timer = setTimeout(() => {
          r.off('change', check);
          reject(new Error(`timed out waiting on ${name}; now: ${JSON.stringify(r.snapshot().machine)}`));
        }, timeoutMs);
        if (!check()) r.on('change', check);
      }),
    cleanup: async () => {
      const pgids = [...fleet.runners.values()].flatMap((r) =>
        r.snapshot().pgid ? [r.snapshot().pgid as number] : [],
      );
      await fleet.kill();
      for (const pgid of pgids) for (const p of await groupMembers(pgid)) process.kill(p.pid, 'SIGKILL');
      await fleet.flush(true); // the last write: no late change recreates the folder once it is gone
      await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** Live processes of a pid's process group: empty once an instance has been stopped whole. */
export async function leftovers(pgid: number | undefined): Promise<number[]> {
  if (pgid === undefined) return [];
  return (await groupMembers(pgid)).map((p) => p.pid);
}

/**
 * For a test file of in-process fleets: `fleetOf` makes one, cleaned up after each test, and listeners a
 * test pushes on `servers` (foreign processes on ports) are closed first.
 */
export function useSimFleet(): {
  readonly servers: Server[];
  /** `engine`: the runners' own settings, e.g. a fake clock. */
  fleetOf(
    instances: readonly SimInstance[],
    defaults?: Record<string, unknown>,
    engine?: RunnerDefaults,
  ): Promise<SimFleet>;
} {
  let sim: SimFleet | undefined;
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer));
    await sim?.cleanup();
    sim = undefined;
  });
  return {
    servers,
    fleetOf: async (instances, defaults = {}, engine = {}) => {
      sim = await simFleet(instances, defaults, engine);
      return sim;
    },
  };
}
