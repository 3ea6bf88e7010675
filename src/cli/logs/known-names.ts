import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The instance names whose logs may be asked for: the manifest's as it stands (not validated: logs work
 * while it is being edited, or broken), then those only state.json still knows (removed instances keep
 * their logs), in that order.
 */
export async function knownNames(manifestFile: string, stateDir: string): Promise<string[]> {
  const manifest = (await readJson(manifestFile)) as { instances?: unknown } | undefined;
  const listed = Array.isArray(manifest?.instances)
    ? manifest.instances.flatMap((i: { name?: unknown } | null) =>
        typeof i?.name === 'string' ? [i.name] : [],
      )
    : [];
  const state = (await readJson(path.join(stateDir, 'state.json'))) as { instances?: object } | undefined;
  const recorded = Object.keys(state?.instances ?? {});
  return [...new Set([...listed, ...recorded])];
}

function readJson(file: string): Promise<unknown> {
  return readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as unknown)
    .catch(() => undefined);
}
