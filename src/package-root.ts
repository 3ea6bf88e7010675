import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder: the nearest one above this module that holds package.json. The same code runs
 * from src/ (tests), dist/src/ (tsc) and dist/bundle/ (esbuild, what bin/ runs), at different depths.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  root = dir;
  return dir;
}

let root: string | undefined;

/** The daemon process's entry (daemon/start.ts, bundled): it runs daemonBundle() from V8's code cache. */
export const daemonScript = (): string => join(packageRoot(), 'dist', 'bundle', 'daemon.cjs');

/** The daemon itself (daemon/main.ts), bundled. */
export const daemonBundle = (): string => join(packageRoot(), 'dist', 'bundle', 'daemon-main.cjs');

/** The version in package.json, or 'unknown'. */
export function packageVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
