import { findStateDir } from '../manifest/state-dir.js';
import type { CommandContext } from './context.js';
import { printDiagnostic } from './print.js';

/**
 * The state folder for a command that needs only it (status, logs, describe, start, stop, restart, down).
 * When the manifest cannot be read, one warning on stderr, and the command goes on: a typo in the manifest
 * must not keep the user from seeing or stopping the fleet that runs.
 */
export async function stateFolder(context: CommandContext): Promise<string> {
  const { stateDir, fallback } = await findStateDir(context.manifestFile, context.stateDir);
  if (fallback !== undefined) printDiagnostic(`warning: ${fallback}`);
  return stateDir;
}
