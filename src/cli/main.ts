import { Command, CommanderError } from 'commander';
import { exitCodes } from '../errors.js';
import { locateManifest } from '../manifest/locate.js';
import type { CommandContext } from './context.js';
import { printJson } from './print.js';
import { reportError } from './report-error.js';

/**
 * The command line: parses arguments and hands each command its context. Command modules are imported
 * only when their command runs, so a quick command does not pay for the others' start-up.
 */

type CommandModule = { run(context: CommandContext, ...args: string[]): Promise<number | undefined> };

const program = new Command('wso2-supervisor')
  .description('Launches and supervises WSO2 runtimes with non-clashing port offsets.')
  .option('-f, --file <FILE>', 'manifest (default: ./instances.json, then $WSO2_SUPERVISOR_MANIFEST)')
  .option('--state-dir <DIR>', "state, sockets and logs (default: the manifest's stateDir)")
  .option('--json', 'print one JSON document on stdout')
  .exitOverride()
  .showSuggestionAfterError()
  .showHelpAfterError('(run wso2-supervisor --help for usage)');

function action(load: () => Promise<CommandModule>) {
  return async (...parameters: unknown[]) => {
    const command = parameters.at(-1) as Command;
    const options = command.optsWithGlobals<{ file?: string; stateDir?: string; json?: boolean }>();
    const context: CommandContext = {
      manifestFile: locateManifest(options.file),
      stateDir: options.stateDir,
      json: options.json === true,
    };
    const args = parameters.slice(0, -2).flatMap((a) => (a === undefined ? [] : [a as string]));
    try {
      process.exitCode = (await (await load()).run(context, ...args)) ?? exitCodes.ok;
    } catch (error) {
      process.exitCode = reportError(error, context.json);
    }
  };
}

program
  .command('validate')
  .description('check the manifest and print every problem with its JSON path')
  .action(action(() => import('./commands/validate.js')));

program
  .command('plan')
  .description('offsets and ports for every instance, free or busy (and by whom); launches nothing')
  .action(action(() => import('./commands/plan.js')));

program
  .command('ports')
  .argument('[name]', 'one instance')
  .description("the effective port table with each port's purpose and URL hints")
  .action(action(() => import('./commands/ports.js')));

program
  .command('up')
  .description('start the supervisor in the foreground and the autostart instances (Ctrl-C stops them all)')
  .action(action(() => import('./commands/up.js')));

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  const helpOrVersion = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
  if (helpOrVersion) process.exitCode = exitCodes.ok;
  else {
    if (process.argv.includes('--json')) printJson({ ok: false, error: 'usage', message: error.message });
    process.exitCode = exitCodes.usage;
  }
}
