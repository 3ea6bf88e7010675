import { exitCodes } from '../../errors.js';
import { loadManifest } from '../../manifest/load.js';
import { describeHolder, describeProblem, describeReason } from '../../ports/describe-plan.js';
import type { PlannedPort } from '../../ports/planner.js';
import { planFleet } from '../../process/plan-fleet.js';
import { productOf } from '../../products/catalog.js';
import { placementOf } from '../../products/offset-launch.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic, printJson, printText } from '../print.js';
import { renderTable } from '../table.js';

export async function run(context: CommandContext): Promise<number> {
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const plan = await planFleet(manifest, { replan: context.options.replan === true });
  const problems = plan.problems.map((problem) => ({
    ...problem,
    message: describeProblem(problem, plan.instances),
  }));
  const exitCode = problems.length === 0 ? exitCodes.ok : exitCodes.portsUnavailable;
  if (context.json) {
    const instances = plan.instances.map((i) => ({
      ...i,
      why: describeReason(i.reason, i.product),
      ports: i.ports.map((p) => ({ ...p, setBy: placementOf(productOf(i.product), p, i.offset) })),
    }));
    printJson({
      ok: problems.length === 0,
      file: manifest.file,
      offsets: manifest.offsets,
      instances,
      problems,
    });
    return exitCode;
  }
  const rows = plan.instances.map((i) => [
    i.name,
    i.product,
    String(i.offset),
    describeReason(i.reason, i.product),
    i.ports.map(portCell).join(' '),
  ]);
  printText(renderTable(['INSTANCE', 'PRODUCT', 'OFFSET', 'WHY', 'PORTS'], rows));
  const moved = plan.instances.flatMap((i) =>
    i.ports.filter((p) => p.placement === 'moved').map((p) => ({ i, p })),
  );
  if (moved.length > 0) printText('\nFixed ports (the runtime ignores its offset) moved by the supervisor:');
  for (const { i, p } of moved)
    printText(`  ${i.name} ${p.name} ${p.port}: ${placementOf(productOf(i.product), p, i.offset)}`);
  const busy = plan.instances.flatMap((i) =>
    i.ports.filter((p) => p.state === 'busy').map((p) => ({ i, p })),
  );
  const total = plan.instances.reduce((sum, i) => sum + i.ports.length, 0);
  const own = plan.instances.reduce((sum, i) => sum + i.ports.filter((p) => p.state === 'own').length, 0);
  if (busy.length === 0 && own === 0) printText(`\nAll ${total} ports are free.`);
  else if (busy.length === 0)
    printText(`\nNo clash: ${total - own} ports free, ${own} held by their own running instance.`);
  else {
    printText(`\n${busy.length} of ${total} ports are busy:`);
    for (const { i, p } of busy) printText(`  ${p.port} (${i.name} ${p.name}) ${describeHolder(p.holder)}`);
  }
  for (const problem of problems) printDiagnostic(`error: ${problem.message}`);
  return exitCode;
}

/** A port as the plan lists it: `(fixed)` or `(moved)` where the offset does not place it, `(busy)` when taken. */
function portCell(port: PlannedPort): string {
  const placed = port.placement === 'offset' ? '' : `(${port.placement})`;
  return `${port.port}${placed}${port.state === 'busy' ? '(busy)' : ''}`;
}
