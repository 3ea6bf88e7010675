import { exitCodes } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { instanceFacts } from '../describe/facts.js';
import { gatherInputs } from '../describe/gather.js';
import { renderFacts } from '../describe/render.js';
import { printDiagnostic, printJson, printText } from '../print.js';
import { stateFolder } from '../state-folder.js';

/**
 * `describe|show NAME`: everything about one instance on one screen. Without a running supervisor it shows
 * what the manifest, its plan and the last recorded state say, marked as not running, and exits 4 (as
 * `status` does).
 */
export async function run(context: CommandContext, name: string): Promise<number> {
  const stateDir = await stateFolder(context);
  const inputs = await gatherInputs(context, stateDir, name);
  if (inputs.manifestTrouble !== undefined)
    printDiagnostic(`warning: no manifest facts (home, script, ports' plan): ${inputs.manifestTrouble}`);
  const facts = instanceFacts(inputs);
  if (context.json) printJson({ ok: true, ...facts });
  else printText(renderFacts(facts, inputs.now));
  return facts.supervised ? exitCodes.ok : exitCodes.noSupervisor;
}
