import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ManifestError, type ManifestProblem, UsageError } from '../errors.js';
import { checkHomes, type HomeFacts } from './home-checks.js';
import {
  dependencyCycles,
  duplicateNames,
  rawInstances,
  sharedHomes,
  unknownDependencies,
} from './instance-checks.js';
import { type HomePaths, type Manifest, resolveManifest } from './instance-config.js';
import { parseJson } from './parse-json.js';
import { manifestSchema } from './schema.js';
import { schemaProblems } from './schema-problems.js';
import { resolveStateDir } from './state-dir.js';

/**
 * Reads and validates a manifest. Every problem (schema, cross-instance, file system) is collected before
 * anything is reported, so a user fixes them in one pass; any problem throws a ManifestError (exit 2).
 */
export async function loadManifest(file: string, stateDirOverride?: string): Promise<Manifest> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const reason =
      error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code ?? error.message})`;
    throw new UsageError(
      `manifest ${file}: ${reason}. Pass it with -f FILE, or create instances.json (see instances.example.json).`,
    );
  });
  const raw = parseJson(text, file);
  const manifestDir = path.dirname(path.resolve(file));
  const parsed = manifestSchema.safeParse(raw);
  const instances = rawInstances(raw);
  const homes = await checkHomes(raw, manifestDir);
  const problems: ManifestProblem[] = [
    ...(parsed.success ? [] : schemaProblems(parsed.error.issues, raw)),
    ...duplicateNames(instances),
    ...unknownDependencies(instances),
    ...dependencyCycles(instances),
    ...homes.flatMap((facts) => facts.problems),
    ...sharedHomes(
      homes.flatMap((facts) => (facts.home === undefined ? [] : [{ index: facts.index, home: facts.home }])),
    ),
  ];
  if (!parsed.success || problems.length > 0) throw new ManifestError(file, sortByPath(problems));
  const stateDir = resolveStateDir(file, stateDirOverride, parsed.data.stateDir);
  return resolveManifest(parsed.data, path.resolve(file), stateDir, homes.map(homePaths));
}

function homePaths(facts: HomeFacts): HomePaths {
  // Only reached when every home checked out, so home and script are known.
  return {
    home: facts.home as string,
    script: facts.script as string,
    ...(facts.configOffset === undefined ? {} : { configOffset: facts.configOffset }),
  };
}

/** Problems in document order: instances[2] before instances[10]. */
function sortByPath(problems: ManifestProblem[]): ManifestProblem[] {
  const key = (p: ManifestProblem) => p.path.replace(/\d+/g, (n) => n.padStart(6, '0'));
  return problems.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
