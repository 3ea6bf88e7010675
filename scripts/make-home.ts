/**
 * Makes a simulated WSO2 home (and, on request, a fake JDK) for tests and the demo.
 *
 *   node dist/scripts/make-home.js --product mi|apim|si|si-tooling|ei-analytics --home DIR [--offset N] [--jdk DIR]
 *
 * A home holds what a supervisor touches in a real one: the start script (`bin/*.sh`, mode 755, and `.bat`
 * stubs), the config file that can pin the offset (MI / API-M `deployment.toml` with its `[server]` table,
 * offset commented out as shipped, or set; Carbon 5 `conf/server/deployment.yaml` with the shipped offset or
 * the pin, and its listeners), the log and tmp folders, the MI / API-M diagnostics tool's launcher or Carbon 5's
 * `wso2/server/bin/carbon.sh`, and a self-signed certificate for the HTTPS ports.
 * See scripts/sim/README.md for how the simulated runtimes behave and the fault knobs.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { productOf } from '../src/products/catalog.js';
import { type ProductId, productIds } from '../src/products/product.js';
import { carbon5Files } from './sim/carbon5-home.js';
import { ensureCertificate } from './sim/cert.js';
import { makeJdk } from './sim/fake-jdk.js';
import { homeLayout, layoutOf } from './sim/home-layout.js';
import { batStub, diagnosticsScript, startScript } from './sim/start-script.js';

export { type FakeJdk, makeJdk } from './sim/fake-jdk.js';

export interface MakeHomeOptions {
  readonly product: ProductId;
  readonly home: string;
  /** The user's pin: `offset = N` under `[server]` instead of the commented-out default line, or Carbon 5's yaml value. */
  readonly offset?: number;
}

export interface SimulatedHome {
  readonly product: ProductId;
  /** Absolute path of the home. */
  readonly home: string;
  /** Absolute path of the start script (`bin/micro-integrator.sh`, `bin/api-manager.sh`, `bin/server.sh`...). */
  readonly script: string;
  /** Absolute path of the config file that can pin the offset (`product.offsetConfig.file`). */
  readonly configFile: string;
}

/**
 * Creates the home, or brings an existing one up to date: scripts and the config file are rewritten, logs and
 * an existing certificate are kept.
 */
export async function makeHome(options: MakeHomeOptions): Promise<SimulatedHome> {
  const product = productOf(options.product);
  const home = resolve(options.home);
  const at = (relative: string) => join(home, relative);
  const write = (relative: string, text: string, mode = 0o644) => {
    mkdirSync(dirname(at(relative)), { recursive: true });
    writeFileSync(at(relative), text);
    chmodSync(at(relative), mode);
  };

  const id = product.id;
  if (id === 'mi' || id === 'apim') {
    write(product.startScript.sh, startScript(id), 0o755);
    write(homeLayout.diagnostics, diagnosticsScript(), 0o755);
    write(product.offsetConfig.file, deploymentToml(id, options.offset));
  } else {
    for (const file of carbon5Files(id, options.offset)) write(file.path, file.text, file.mode);
  }
  write(product.startScript.bat, batStub(product.displayName, product.startScript.sh));
  const layout = layoutOf(id);
  mkdirSync(at(layout.logs), { recursive: true });
  mkdirSync(at(layout.tmp), { recursive: true });
  await ensureCertificate(home, layout);
  return { product: id, home, script: at(product.startScript.sh), configFile: at(product.offsetConfig.file) };
}

/**
 * The `[server]` table as shipped: MI's `# offset  = 10` (wso2/micro-integrator
 * `distribution/src/conf/deployment.toml`), API-M's `#offset=0` (product-apim `deployment.toml`).
 */
function deploymentToml(product: 'mi' | 'apim', offset: number | undefined): string {
  const shipped = product === 'mi' ? '# offset  = 10' : '#offset=0';
  return [
    `# Simulated ${productOf(product).displayName} home (wso2-supervisor scripts/make-home.ts).`,
    '[server]',
    'hostname = "localhost"',
    offset === undefined ? shipped : `offset = ${offset}`,
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      product: { type: 'string' },
      home: { type: 'string' },
      offset: { type: 'string' },
      jdk: { type: 'string' },
    },
    strict: true,
  });
  const product = values.product as ProductId | undefined;
  if (product === undefined || !productIds.includes(product) || values.home === undefined) {
    throw new Error(`usage: make-home --product ${productIds.join('|')} --home DIR [--offset N] [--jdk DIR]`);
  }
  if (values.offset !== undefined && !/^-?\d+$/.test(values.offset)) {
    throw new Error(`--offset must be an integer, got ${JSON.stringify(values.offset)}`);
  }
  const made = await makeHome({
    product,
    home: values.home,
    ...(values.offset === undefined ? {} : { offset: Number(values.offset) }),
  });
  process.stdout.write(`${made.product} home: ${made.home}\nstart script: ${made.script}\n`);
  if (values.jdk !== undefined) {
    const jdk = makeJdk(values.jdk);
    process.stdout.write(`fake JDK: JAVA_HOME=${jdk.javaHome}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`make-home: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
