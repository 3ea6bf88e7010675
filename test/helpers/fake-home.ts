import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';

/** The folders tempDir made for this test file: the test they were made in, if any, and whether to keep them. */
const made: { dir: string; test: string | undefined; keep: boolean }[] = [];
let currentTest: string | undefined;

/**
 * A temporary folder for one test's manifest and homes. Removed after the test file (setup.ts), once its
 * processes are gone; kept, and named on stderr, if the test it was made in failed (or, made outside any
 * test, if any test of the file failed).
 */
export async function tempDir(prefix = 'wso2-supervisor-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push({ dir, test: currentTest, keep: false });
  return dir;
}

/** Before each test (setup.ts), its id: folders made from now on are its own; after it, none. */
export function tempDirsOf(test: string | undefined): void {
  currentTest = test;
}

/** When a test failed (setup.ts): its folders, and those made outside any test, are kept as evidence. */
export function keepTempDirsOf(test: string, name: string): void {
  for (const entry of made)
    if (!entry.keep && (entry.test === test || entry.test === undefined)) {
      entry.keep = true;
      console.error(`${name}: evidence kept in ${entry.dir}`);
    }
}

/** After the test file: every folder made for it and not kept. A folder that will not go is left. */
export async function removeTempDirs(): Promise<void> {
  const removal = { recursive: true, force: true, maxRetries: 5, retryDelay: 100 };
  const gone = made.splice(0).filter((entry) => !entry.keep);
  await Promise.all(gone.map(({ dir }) => rm(dir, removal).catch(() => {})));
}

/**
 * A home that passes validation: the product's start script exists and is executable. Enough for the
 * manifest and planner; tests that launch a runtime use the simulator's homes instead.
 */
export async function fakeHome(
  root: string,
  name: string,
  product: ProductId,
  options: { configOffset?: number; executable?: boolean } = {},
): Promise<string> {
  const home = path.join(root, name);
  const spec = productOf(product);
  const script = path.join(home, spec.startScript.sh);
  await mkdir(path.dirname(script), { recursive: true });
  await writeFile(script, '#!/bin/sh\nexit 0\n');
  await chmod(script, options.executable === false ? 0o644 : 0o755);
  if (options.configOffset !== undefined) {
    const config = path.join(home, spec.offsetConfig.file);
    await mkdir(path.dirname(config), { recursive: true });
    const offset = options.configOffset;
    await writeFile(
      config,
      spec.offsetConfig.format === 'toml'
        ? `[server]\nhostname = "localhost"\noffset = ${offset}\n`
        : `wso2.carbon:\n  id: ${name}\n  ports:\n    offset: ${offset}\n`,
    );
  }
  return home;
}

export async function writeManifest(
  root: string,
  manifest: unknown,
  file = 'instances.json',
): Promise<string> {
  const target = path.join(root, file);
  await writeFile(target, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  return target;
}
