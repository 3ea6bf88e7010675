import { exitCodes } from '../errors.js';
import { locateManifest } from '../manifest/locate.js';
import { run } from './commands/status.js';
import { printDiagnostic } from './print.js';
import { parseQuickStatus, userArguments } from './quick-status-args.js';
import { exitQuietlyOnEpipe } from './quiet-epipe.js';
import { reportError } from './report-error.js';

/**
 * `status` on its own (dist/bundle/status.cjs): the launcher (launcher.ts) runs this for a plain status
 * command line, the one scripts and dashboards poll, instead of the whole command line's bundle with
 * commander and every other command. The same command module runs, with the context main.ts would give it.
 */
exitQuietlyOnEpipe();

/** Resolves once the command has run. */
export const finished = (async () => {
  const args = parseQuickStatus(userArguments(process.argv, process.execArgv));
  if (args === undefined) {
    printDiagnostic('status.cjs runs only a plain status command line: run bin/wso2-supervisor.js');
    process.exitCode = exitCodes.usage;
    return;
  }
  const context = {
    manifestFile: locateManifest(args.file),
    stateDir: args.stateDir,
    json: args.json,
    options: {},
  };
  try {
    process.exitCode = await run(context, args.name);
  } catch (error) {
    process.exitCode = reportError(error, args.json);
  }
})();
