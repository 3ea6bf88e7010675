import path from 'node:path';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { tempDir, writeManifest } from './fake-home.js';
import { freeOffset } from './free-offset.js';

/**
 * A temporary folder with a fake JDK, a simulated MI home per name and an instances.json for them (state
 * in ./state, offsets in a free range), for tests that drive the real CLI.
 */
export async function simRoot(
  names: readonly string[],
  defaults: Record<string, unknown> = {},
): Promise<string> {
  const root = await tempDir();
  const jdk = makeJdk(path.join(root, 'jdk'));
  for (const name of names) await makeHome({ product: 'mi', home: path.join(root, name) });
  const base = await freeOffset('mi', names.length + 4);
  await writeManifest(root, {
    stateDir: 'state',
    offsets: { min: base, max: base + names.length + 3 },
    defaults: {
      stopTimeoutSeconds: 10,
      ...defaults,
      // Simulator knobs given in defaults.env come on top of the fake JDK.
      env: { JAVA_HOME: jdk.javaHome, ...(defaults.env as Record<string, string> | undefined) },
    },
    instances: names.map((name) => ({ name, product: 'mi', home: name })),
  });
  return root;
}
