import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeHome, makeJdk } from '../scripts/make-home.js';
import type { ProductId } from '../src/products/product.js';

/** One instance of the chaos fleet, as written into its manifest. */
export interface Member {
  readonly name: string;
  readonly product: ProductId;
  readonly home: string;
  dependsOn?: string[];
  restart: { policy: 'on-failure' | 'always' | 'never'; maxRestarts: number; windowSeconds: number };
  env: Record<string, string>;
}

export interface ChaosFleet {
  readonly root: string;
  readonly manifestFile: string;
  readonly stateDir: string;
  readonly members: Member[];
  /** Real paths of the homes, by instance name. */
  readonly homes: ReadonlyMap<string, string>;
  /** Writes the manifest as the members now are (a reload's edit). */
  writeManifest(): void;
  /** Runs the CLI binary as a user would; resolves its exit code, output and duration. */
  cli(args: readonly string[], timeoutMs?: number): Promise<CliRun>;
}

export interface CliRun {
  readonly exitCode: number;
  readonly output: string;
  readonly ms: number;
}

/** Each instance's log rotation: roomy enough that a 60 s run loses no line to it. */
export const logRetention = { maxBytes: 256 * 1024, files: 10 } as const;

const products: readonly ProductId[] = ['mi', 'apim', 'si', 'mi', 'si-tooling', 'ei-analytics'];

/**
 * K simulated instances cycling through the five products, some depending on others, with mixed restart
 * policies; every JVM writes a numbered line every 200 ms (the lost-output check) and takes SIGUSR2 as
 * Carbon's own restart request.
 */
export async function chaosFleet(count: number, offsets: { min: number; max: number }): Promise<ChaosFleet> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'wso2-supervisor-chaos-')));
  const jdk = makeJdk(path.join(root, 'jdk'));
  const members: Member[] = [];
  for (let k = 0; k < count; k++) {
    const product = products[k % products.length] as ProductId;
    const name = `${product}-${k}`;
    const home = path.join(root, 'homes', name);
    await makeHome({ product, home });
    members.push({
      name,
      product,
      home,
      ...(k >= 3 && k % 3 === 0 && { dependsOn: [members[k - 3]?.name as string] }),
      restart: {
        policy: k % 5 === 4 ? 'never' : k % 4 === 2 ? 'always' : 'on-failure',
        maxRestarts: 50,
        windowSeconds: 60,
      },
      env: {
        WSO2_SIM_LOG_EVERY_MS: '200',
        WSO2_SIM_RESTART_ON_SIGUSR2: '1',
        WSO2_SIM_STARTUP_DELAY_MS: String(200 + ((k * 337) % 800)),
      },
    });
  }
  const manifestFile = path.join(root, 'instances.json');
  const writeManifest = () =>
    writeFileSync(
      manifestFile,
      JSON.stringify({
        stateDir: 'state',
        offsets,
        defaults: {
          // The fake JDK first on PATH too: the Carbon 5 scripts run install-jars on plain `java`.
          env: { JAVA_HOME: jdk.javaHome, PATH: `${jdk.javaHome}/bin:${process.env.PATH}` },
          startTimeoutSeconds: 60,
          stopTimeoutSeconds: 10,
          restart: { backoff: { initialSeconds: 0.2, maxSeconds: 2 } },
          logs: logRetention,
        },
        instances: members,
      }),
    );
  writeManifest();
  const cliPath = path.join(projectRoot(), 'bin', 'wso2-supervisor.js');
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  return {
    root,
    manifestFile,
    stateDir: path.join(root, 'state'),
    members,
    homes: new Map(members.map((m) => [m.name, m.home])),
    writeManifest,
    cli: async (args, timeoutMs = 120_000) => {
      const began = Date.now();
      const result = await execa(process.execPath, [cliPath, '-f', manifestFile, ...args], {
        cwd: root,
        env: { ...env, NO_COLOR: '1' },
        extendEnv: false,
        reject: false,
        timeout: timeoutMs,
        all: true,
      });
      return { exitCode: result.exitCode ?? -1, output: String(result.all ?? ''), ms: Date.now() - began };
    },
  };
}

/** The folder holding bin/wso2-supervisor.js, from here (chaos/ in the sources, dist/chaos/ built). */
function projectRoot(): string {
  for (
    let dir = path.dirname(fileURLToPath(import.meta.url));
    dir !== path.dirname(dir);
    dir = path.dirname(dir)
  )
    if (existsSync(path.join(dir, 'bin', 'wso2-supervisor.js'))) return dir;
  throw new Error('bin/wso2-supervisor.js not found above chaos/');
}
