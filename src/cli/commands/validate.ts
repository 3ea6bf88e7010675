import { loadManifest } from '../../manifest/load.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';

export async function run(context: CommandContext): Promise<number> {
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  if (context.json) {
    printJson({ ok: true, file: manifest.file, stateDir: manifest.stateDir, instances: manifest.instances });
    return 0;
  }
  const counts = new Map<string, number>();
  for (const { product } of manifest.instances) counts.set(product, (counts.get(product) ?? 0) + 1);
  const summary = [...counts].map(([product, n]) => `${n} ${product}`).join(', ');
  const n = manifest.instances.length;
  printText(`${manifest.file} is valid: ${n} instance${n === 1 ? '' : 's'} (${summary}).`);
  return 0;
}
