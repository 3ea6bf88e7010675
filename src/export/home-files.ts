import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../manifest/instance-config.js';
import { productOf } from '../products/catalog.js';
import type { ConfigFile } from './model.js';

/**
 * Reads each home's config file (`deployment.toml`, or Carbon 5's `conf/server/deployment.yaml`): the source
 * of the Kubernetes ConfigMap and the Compose config volume (scale-out.md §3.1, §3.3). A home without one is
 * left out: the image's own file is used.
 */
export async function readConfigFiles(manifest: Manifest): Promise<Map<string, ConfigFile>> {
  const found = await Promise.all(
    manifest.instances.map(async (instance) => {
      const file = productOf(instance.product).offsetConfig.file;
      const text = await readFile(path.join(instance.home, file), 'utf8').catch(() => undefined);
      return text === undefined ? [] : [[instance.name, { file, text }] as const];
    }),
  );
  return new Map(found.flat());
}
