import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parseJson } from './parse-json.js';

/**
 * The state folder, found without validating the whole manifest (read-only commands such as status and
 * logs stay fast, and work while the manifest is being edited): `--state-dir`, else the manifest's
 * `stateDir`, else `.wso2-supervisor` next to the manifest.
 */
export async function stateDirOf(manifestFile: string, override: string | undefined): Promise<string> {
  if (override !== undefined) return path.resolve(override);
  const text = await readFile(manifestFile, 'utf8').catch(() => {
    throw new UsageError(
      `manifest ${manifestFile}: no such file. Pass it with -f FILE, or the state folder with --state-dir.`,
    );
  });
  const stateDir = (parseJson(text, manifestFile) as { stateDir?: unknown } | null)?.stateDir;
  const dir = path.dirname(path.resolve(manifestFile));
  return path.resolve(dir, typeof stateDir === 'string' && stateDir !== '' ? stateDir : '.wso2-supervisor');
}
