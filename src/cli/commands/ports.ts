import { UsageError } from '../../errors.js';
import { loadManifest } from '../../manifest/load.js';
import { describeHolder } from '../../ports/describe-plan.js';
import type { PlannedPort } from '../../ports/planner.js';
import { planFleet } from '../../process/plan-fleet.js';
import { productOf } from '../../products/catalog.js';
import { placementOf } from '../../products/offset-launch.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';
import { renderTable } from '../table.js';

export async function run(context: CommandContext, name?: string): Promise<number> {
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  if (name !== undefined && !manifest.instances.some((i) => i.name === name)) {
    const known = manifest.instances.map((i) => i.name).join(', ');
    throw new UsageError(`no instance named "${name}" in ${manifest.file}; known: ${known}.`);
  }
  const plan = await planFleet(manifest);
  const instances = plan.instances
    .filter((i) => name === undefined || i.name === name)
    .map((i) => ({
      ...i,
      ports: i.ports.map((p) => ({
        ...p,
        urls: urlHints(p),
        setBy: placementOf(productOf(i.product), p, i.offset),
      })),
    }));
  if (context.json) {
    printJson({ ok: true, file: manifest.file, instances });
    return 0;
  }
  const blocks = instances.map((i) => {
    const rows = i.ports.map((p) => [
      String(p.port),
      p.name,
      p.purpose,
      stateOf(p),
      // The variables that moved a fixed port are long: listed under the table.
      p.placement === 'moved' ? `moved from ${p.base} (below)` : p.setBy,
      p.urls.join(' '),
    ]);
    const title = `${i.name} (${productOf(i.product).displayName}, offset ${i.offset})`;
    const moved = i.ports.filter((p) => p.placement === 'moved').map((p) => `  ${p.port}: ${p.setBy}`);
    const table = renderTable(['PORT', 'NAME', 'PURPOSE', 'STATE', 'SET BY', 'URLS'], rows);
    return [title, table, ...moved].join('\n');
  });
  printText(blocks.join('\n\n'));
  return 0;
}

function stateOf(port: PlannedPort): string {
  if (port.state === 'own') return 'held by this instance';
  return port.state === 'busy' ? describeHolder(port.holder) : port.state;
}

function urlHints(port: PlannedPort): string[] {
  if (port.scheme === 'tcp') return [`localhost:${port.port}`];
  const paths = port.urlPaths ?? ['/'];
  return paths.map((path) => `${port.scheme}://localhost:${port.port}${path}`);
}
