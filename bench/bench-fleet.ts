// A fleet of simulated runtimes in a temporary folder, driven through the real CLI as a user would: the
// set-up the daemon, log-throughput and start-all benchmarks share.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHome, makeJdk } from '../scripts/make-home.js';
import { groupMembers } from '../src/process/proc-stat.js';
import type { ProductId } from '../src/products/product.js';
import { benchEnv } from './support.js';

export const cliPath = fileURLToPath(new URL('../../bin/wso2-supervisor.js', import.meta.url));

export interface BenchInstance {
  readonly name: string;
  readonly product: ProductId;
  readonly env?: Record<string, string>;
  readonly [setting: string]: unknown;
}

interface SavedInstance {
  pid?: number;
  pgid?: number;
  writerPid?: number;
  machine: { state: string; readySince?: number };
}

export interface BenchFleet {
  readonly root: string;
  /** Runs the CLI to its end (NODE_EXTRA_CA_CERTS unset). */
  cli(args: readonly string[]): SpawnSyncReturns<string>;
  /** Like cli(), throwing with the output when the exit code is not 0. */
  cliOk(args: readonly string[]): SpawnSyncReturns<string>;
  /** state.json as the daemon last wrote it, or undefined before it exists (or mid-rename). */
  state(): { supervisor: { pid: number }; instances: Record<string, SavedInstance> } | undefined;
  daemonPid(): number;
  /** `down`, then SIGKILL to anything left in the instances' groups, and the folder removed. */
  cleanup(): void;
}

export async function benchFleet(
  prefix: string,
  /** The instances, or a function of the fleet's folder giving them (for stamp files inside it). */
  instancesIn: readonly BenchInstance[] | ((root: string) => readonly BenchInstance[]),
  settings: Record<string, unknown> = {},
): Promise<BenchFleet> {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const instances = typeof instancesIn === 'function' ? instancesIn(root) : instancesIn;
  const jdk = makeJdk(path.join(root, 'jdk'));
  for (const instance of instances)
    await makeHome({ product: instance.product, home: path.join(root, instance.name) });
  const { defaults, ...rest } = settings as { defaults?: Record<string, unknown> };
  writeFileSync(
    path.join(root, 'instances.json'),
    JSON.stringify({
      stateDir: 'state',
      offsets: { min: 3000, max: 5000 },
      ...rest,
      defaults: { ...defaults, env: { JAVA_HOME: jdk.javaHome } },
      instances: instances.map((i) => ({ home: i.name, ...i })),
    }),
  );
  const env = benchEnv();
  const cli = (args: readonly string[]) =>
    spawnSync(process.execPath, [cliPath, ...args], { cwd: root, env, encoding: 'utf8' });
  const state = (): ReturnType<BenchFleet['state']> => {
    try {
      return JSON.parse(readFileSync(path.join(root, 'state', 'state.json'), 'utf8'));
    } catch {
      return undefined;
    }
  };
  return {
    root,
    cli,
    cliOk: (args) => {
      const result = cli(args);
      if (result.status !== 0)
        throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stdout}${result.stderr}`);
      return result;
    },
    state,
    daemonPid: () => Number(readFileSync(path.join(root, 'state', 'supervisor.pid'), 'utf8')),
    cleanup: () => {
      const pgids = Object.values(state()?.instances ?? {}).flatMap((i) => (i.pgid ? [i.pgid] : []));
      cli(['down']);
      for (const pgid of pgids) for (const p of groupMembers(pgid)) process.kill(p.pid, 'SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
