import { reloadManifest } from '../../daemon/control-client.js';
import { exitCodes } from '../../errors.js';
import { stateDirOf } from '../../manifest/state-dir.js';
import type { CommandContext } from '../context.js';
import { printJson, printText } from '../print.js';

/** `reload`: the supervisor re-reads its manifest; an invalid one changes nothing and says why (exit 2). */
export async function run(context: CommandContext): Promise<number> {
  const stateDir = await stateDirOf(context.manifestFile, context.stateDir);
  const summary = await reloadManifest(stateDir, { replan: context.options.replan === true });
  if (context.json) printJson(summary);
  else {
    const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
    printText(
      `Reloaded. Added: ${list(summary.added)}. Removed: ${list(summary.removed)}. ` +
        `Restarted (what the JVM sees changed): ${list(summary.changed)}. ` +
        `Settings applied without a restart: ${list(summary.retuned)}. Untouched: ${list(summary.unchanged)}.`,
    );
  }
  return exitCodes.ok;
}
