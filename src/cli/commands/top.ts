import path from 'node:path';
import { exitCodes, UsageError } from '../../errors.js';
import { wantsColour } from '../../log/pretty-line.js';
import { loadManifest } from '../../manifest/load.js';
import { productOf } from '../../products/catalog.js';
import type { CommandContext } from '../context.js';
import { printDiagnostic } from '../print.js';
import { stateFolder } from '../state-folder.js';
import { runTop } from '../top/top.js';

/**
 * `top`: the fleet live on the terminal until q. Needs only the state folder, as `status` does; the
 * manifest only for a Carbon log's path (the instance's home).
 */
export async function run(context: CommandContext): Promise<number> {
  if (context.json) throw new UsageError('top draws on a terminal and has no --json: use status --json.');
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new UsageError('top draws on a terminal: run it in one (from a script, use status --json).');
  const stateDir = await stateFolder(context);
  const end = await runTop({
    stateDir,
    carbonLogOf: (name) => carbonLogOf(context, name),
    input: process.stdin,
    output: process.stdout,
    terminal: { colour: wantsColour(process.stdout), links: true },
  });
  if (end.unanswered.length > 0) {
    printDiagnostic(
      `Still under way in the supervisor: ${end.unanswered.join(', ')} (see: wso2-supervisor status).`,
    );
    // Their answers are not waited for: the requests' connections would keep the process alive.
    setTimeout(() => process.exit(exitCodes.ok), 0).unref();
  }
  return exitCodes.ok;
}

async function carbonLogOf(context: CommandContext, name: string): Promise<string> {
  const manifest = await loadManifest(context.manifestFile, context.stateDir);
  const instance = manifest.instances.find((i) => i.name === name);
  if (instance === undefined)
    throw new UsageError(`${name} is not in ${manifest.file}, so its home (and Carbon log) is unknown.`);
  return path.join(instance.home, productOf(instance.product).carbonLog);
}
