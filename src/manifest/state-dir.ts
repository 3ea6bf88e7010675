import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ManifestError, UsageError } from '../errors.js';
import { parseJson } from './parse-json.js';

/** Where the state folder is when neither `--state-dir` nor the manifest's `stateDir` says. */
const defaultStateDir = '.wso2-supervisor';

const require = createRequire(import.meta.url);

/**
 * The state folder, found without validating the whole manifest (read-only commands such as status and
 * logs stay fast, and work while the manifest is being edited): `--state-dir`, else the manifest's
 * `stateDir`, else `.wso2-supervisor` next to the manifest.
 */
export async function stateDirOf(manifestFile: string, override: string | undefined): Promise<string> {
  if (override !== undefined) return resolveStateDir(manifestFile, override, undefined);
  const text = await readFile(manifestFile, 'utf8').catch(() => {
    throw missingManifest(manifestFile);
  });
  return fromManifest(manifestFile, parseJson(text, manifestFile));
}

/** The state folder, and why the default one was taken instead of the manifest's (a sentence). */
export interface FoundStateDir {
  readonly stateDir: string;
  readonly fallback?: string;
}

/**
 * As {@link stateDirOf}, for the commands that need only the state folder (status, logs, describe, stop,
 * down): a manifest that cannot be read or parsed (a typo while editing it) must not lock the user out of
 * a running fleet. Then the `stateDir` that a tolerant parse still finds in the text is taken (a typo
 * elsewhere leaves it readable), else the default folder next to the manifest, and `fallback` says so. A
 * manifest that does not exist is still an error: the user most likely wants `-f`.
 */
export async function findStateDir(
  manifestFile: string,
  override: string | undefined,
): Promise<FoundStateDir> {
  if (override !== undefined) return { stateDir: resolveStateDir(manifestFile, override, undefined) };
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingManifest(manifestFile);
    return fallBack(manifestFile, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    return { stateDir: fromManifest(manifestFile, parseJson(text, manifestFile)) };
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const where = error.problems[0]?.path;
    return fallBack(manifestFile, `it is not valid JSON${where ? ` (${where})` : ''}`, text);
  }
}

function fallBack(manifestFile: string, why: string, text?: string): FoundStateDir {
  const salvaged = text === undefined ? undefined : tolerantParse(text);
  const stateDir = fromManifest(manifestFile, salvaged);
  const which = fromManifest(manifestFile, undefined) === stateDir ? 'the default' : 'its';
  return { stateDir, fallback: `manifest ${manifestFile}: ${why}; using ${which} state folder ${stateDir}` };
}

/** What jsonc-parser makes of a broken text: as much of the document as it can read. */
function tolerantParse(text: string): unknown {
  const { parse } = require('jsonc-parser') as typeof import('jsonc-parser');
  try {
    return parse(text, [], { allowTrailingComma: true });
  } catch {
    return undefined; // nested too deep for its recursion
  }
}

function fromManifest(manifestFile: string, manifest: unknown): string {
  const stateDir = (manifest as { stateDir?: unknown } | null | undefined)?.stateDir;
  return resolveStateDir(manifestFile, undefined, typeof stateDir === 'string' ? stateDir : undefined);
}

/**
 * The one rule for where the state folder is: `--state-dir` as given on the command line (relative to the
 * working directory, as any path argument), else the manifest's `stateDir` (relative to the manifest),
 * else `.wso2-supervisor` next to the manifest.
 */
export function resolveStateDir(
  manifestFile: string,
  override: string | undefined,
  fromManifest: string | undefined,
): string {
  if (override !== undefined) return path.resolve(override);
  const dir = path.dirname(path.resolve(manifestFile));
  return path.resolve(
    dir,
    fromManifest !== undefined && fromManifest !== '' ? fromManifest : defaultStateDir,
  );
}

function missingManifest(manifestFile: string): UsageError {
  return new UsageError(
    `manifest ${manifestFile}: no such file. Pass it with -f FILE, or the state folder with --state-dir.`,
  );
}
