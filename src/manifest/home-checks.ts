import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import { maxOffset, productOf } from '../products/catalog.js';
import { type ProductId, productIds } from '../products/product.js';
import { readConfigOffset } from './config-offset.js';
import { jsonPath } from './json-path.js';

/** What the file system says about one instance's home. */
export interface HomeFacts {
  readonly index: number;
  /** Real path of the home (symlinks resolved), when it exists. */
  readonly home?: string;
  readonly script?: string;
  /** `[server] offset` from the product's deployment.toml, when set there. */
  readonly configOffset?: number;
  readonly problems: readonly ManifestProblem[];
}

/** Checks every instance's home concurrently: it exists, holds an executable start script, a readable config. */
export function checkHomes(raw: unknown, manifestDir: string): Promise<HomeFacts[]> {
  const list = (raw as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(list)) return Promise.resolve([]);
  return Promise.all(list.map((entry: unknown, index) => checkHome(entry, index, manifestDir)));
}

async function checkHome(entry: unknown, index: number, manifestDir: string): Promise<HomeFacts> {
  const item = (entry ?? {}) as { home?: unknown; product?: unknown; script?: unknown };
  if (typeof item.home !== 'string' || item.home === '') return { index, problems: [] };
  const where = jsonPath(['instances', index, 'home']);
  const given = path.resolve(manifestDir, item.home);
  const home = await realpath(given).catch(() => undefined);
  if (home === undefined || !(await stat(home)).isDirectory()) {
    const problem = {
      path: where,
      message: `${given} is not a folder`,
      hint: "Point home at the product's installation folder (relative paths start at the manifest's folder).",
    };
    return { index, problems: [problem] };
  }
  if (!productIds.includes(item.product as ProductId)) return { index, home, problems: [] };
  const product = productOf(item.product as ProductId);
  const custom = typeof item.script === 'string' && item.script !== '';
  const script = path.resolve(home, custom ? (item.script as string) : product.startScript.sh);
  const scriptPath = custom ? jsonPath(['instances', index, 'script']) : where;
  const problems: ManifestProblem[] = [];
  for (const refused of product.refusedHomes ?? []) {
    if (await exists(path.join(home, refused.marker)))
      return {
        index,
        home,
        problems: [{ path: where, message: `${home}: ${refused.message}`, hint: refused.hint }],
      };
  }
  const scriptProblem = await checkScript(script, scriptPath, product.displayName);
  if (scriptProblem) problems.push(scriptProblem);
  const configFile = path.join(home, product.offsetConfig.file);
  const config = await readConfigOffset(product, configFile, where, maxOffset(product));
  if ('problem' in config) problems.push(config.problem);
  const configOffset = 'offset' in config ? config.offset : undefined;
  return { index, home, script, ...(configOffset === undefined ? {} : { configOffset }), problems };
}

const exists = (file: string) =>
  access(file, constants.F_OK).then(
    () => true,
    () => false,
  );

async function checkScript(script: string, where: string, productName: string) {
  if (!(await exists(script))) {
    return {
      path: where,
      message: `no start script at ${script}`,
      hint: `Is this a ${productName} home? It should hold the product's bin/ folder.`,
    };
  }
  const executable = await access(script, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!executable) {
    return { path: where, message: `${script} is not executable`, hint: `Run: chmod +x ${script}` };
  }
  return undefined;
}
