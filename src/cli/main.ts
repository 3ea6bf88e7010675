import { Command, CommanderError } from 'commander';
import { exitCodes } from '../errors.js';
import { locateManifest } from '../manifest/locate.js';
import { packageVersion } from '../package-root.js';
import type { CommandContext } from './context.js';
import { printJson } from './print.js';
import { exitQuietlyOnEpipe } from './quiet-epipe.js';
import { reportError } from './report-error.js';
import { suggestReadOnly } from './suggest.js';

/**
 * The command line: parses arguments and hands each command its context. Command modules are imported
 * only when their command runs, so a quick command does not pay for the others' start-up.
 */

/** A command module: `run` takes the context, then its positional arguments (a list for variadic ones). */
type Run = (context: CommandContext, ...args: unknown[]) => Promise<number | undefined>;
type CommandModule = { run(context: CommandContext, ...args: never[]): Promise<number | undefined> };

exitQuietlyOnEpipe();

const program = new Command('wso2-supervisor')
  .description('Launches and supervises WSO2 runtimes with non-clashing port offsets.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .option('-f, --file <FILE>', 'manifest (default: ./instances.json, then $WSO2_SUPERVISOR_MANIFEST)')
  .option('--state-dir <DIR>', "state, sockets and logs (default: the manifest's stateDir)")
  .option('--json', 'print one JSON document on stdout')
  .enablePositionalOptions()
  .exitOverride()
  .helpCommand('help [command]', 'show help for a command (exit 0)')
  .showSuggestionAfterError()
  .showHelpAfterError('(run wso2-supervisor help for usage)');

// An unknown command: commander would suggest any command, `stop` for `shw` among them; suggest.ts
// proposes only read-only ones.
program.on('command:*', (operands: string[]) => {
  const typed = operands[0] ?? '';
  const suggestion = suggestReadOnly(typed);
  const hint = suggestion === undefined ? '' : `\n(Did you mean ${suggestion}?)`;
  program.error(`error: unknown command '${typed}'${hint}`, { code: 'commander.unknownCommand' });
});

/**
 * A command, taking the global options after its name too (`plan --json`), except `-f` where the command
 * uses it itself (`logs NAME -f` follows, as tail -f does): there the manifest is `--file`.
 */
function command(name: string, fileShortFlag = true): Command {
  return program
    .command(name)
    .option(fileShortFlag ? '-f, --file <FILE>' : '--file <FILE>', 'manifest')
    .option('--state-dir <DIR>', 'state, sockets and logs')
    .option('--json', 'print one JSON document on stdout');
}

/** The command's handler: `leading` arguments first (a verb shared by several commands), then the parsed ones. */
function action(load: () => Promise<CommandModule>, ...leading: string[]) {
  return async (...parameters: unknown[]) => {
    const command = parameters.at(-1) as Command;
    const options = command.optsWithGlobals<{ file?: string; stateDir?: string; json?: boolean }>();
    const context: CommandContext = {
      manifestFile: locateManifest(options.file),
      stateDir: options.stateDir,
      json: options.json === true,
      options: command.opts(),
    };
    const args = parameters.slice(0, -2).filter((a) => a !== undefined);
    try {
      const run = (await load()).run as Run;
      process.exitCode = (await run(context, ...leading, ...args)) ?? exitCodes.ok;
    } catch (error) {
      process.exitCode = reportError(error, context.json);
    }
  };
}

command('validate')
  .description('check the manifest and print every problem with its JSON path')
  .action(action(() => import('./commands/validate.js')));

command('plan')
  .option('--replan', 'place every automatic instance afresh, not at the offset it had')
  .description('offsets and ports for every instance, free or busy (and by whom); launches nothing')
  .action(action(() => import('./commands/plan.js')));

command('ports')
  .argument('[name]', 'one instance')
  .description("the effective port table with each port's purpose and URL hints")
  .action(action(() => import('./commands/ports.js')));

command('up')
  .option('-d, --detach', 'run the supervisor as a background daemon')
  .option('--no-wait', 'with -d: return as soon as the daemon listens')
  .option(
    '--wait-timeout <SECONDS>',
    'with -d: give up waiting after this long (default: until every autostart instance has settled)',
  )
  .description(
    'start the supervisor (foreground, or -d as a daemon) and the autostart instances; -d while one runs applies the manifest (as reload) and starts the stopped autostart instances',
  )
  .action(action(() => import('./commands/up.js')));

command('status')
  .aliases(['ps', 'ls', 'list'])
  .argument('[name]', 'one instance')
  .description(
    'each instance: state, offset, pid (the JVM once known), uptime of the current run, restarts, CPU and memory of its tree, health, last exit (aliases: ps, ls, list)',
  )
  .action(action(() => import('./commands/status.js')));

command('top')
  .description(
    'the fleet live on the terminal: states, waits, URLs, CPU and memory; keys start, stop, restart and follow logs (q quits)',
  )
  .action(action(() => import('./commands/top.js')));

command('describe')
  .alias('show')
  .argument('<name>', 'the instance')
  .description(
    'everything about one instance: product, home, script and arguments, offset and why, ports with purpose, URL and placement, readiness, health, restarts, pids, log paths, environment names',
  )
  .action(action(() => import('./commands/describe.js')));

command('logs', false)
  .argument('[name]', 'the instance whose captured output to show (none: every instance, prefixed "name | ")')
  .option('-f, --follow', 'keep printing new lines')
  .option(
    '-n, --lines <N>',
    'how many last lines to print (of each instance); 0 with -f: only new lines (default: 50, or all since --since)',
  )
  .option(
    '--since <WHEN>',
    'only lines from this time on: a duration back from now (30s, 10m, 2h, 1d) or a local date and time (2025-06-01 14:00, ISO 8601). ' +
      "A line's time is the one it begins with (the product's [yyyy-MM-dd HH:mm:ss,SSS], the supervisor's markers, a JSON time), " +
      "else that of the line above it; lines before any time are shown unless a later time, or the file's last change, is older",
  )
  .option(
    '--carbon',
    "the product's own Carbon log instead of the captured output (MI, API-M: repository/logs/wso2carbon.log; SI, Tooling, EI Analytics: wso2/server/logs/carbon.log)",
  )
  .option('--supervisor', "the supervisor's own log")
  .option('--no-color', 'no colours (also: NO_COLOR set, or output not a terminal)')
  .description(
    "captured stdout and stderr of one instance, or of every instance interleaved (--json: JSON lines {instance, line, time}), or the supervisor's log",
  )
  .action(action(() => import('./commands/logs.js')));

for (const verb of ['start', 'stop', 'restart'] as const) {
  command(verb)
    .argument('[names...]', 'instances')
    .option('--all', 'every instance')
    .description(`${verb} instances through the running supervisor`)
    .action(action(() => import('./commands/control.js'), verb));
}

command('reload')
  .option('--replan', 'place every automatic instance afresh (those that move are restarted)')
  .description('re-read the manifest: start added instances, stop removed ones, restart changed ones')
  .action(action(() => import('./commands/reload.js')));

command('down')
  .description('stop every instance (dependents first) and the supervisor')
  .action(action(() => import('./commands/down.js')));

command('ui')
  .option('--port <N>', 'TCP port on 127.0.0.1 (default: a free one)')
  .option('--listen <ADDR>', 'address to listen on (default 127.0.0.1; a non-loopback one needs --force)')
  .option('--force', 'with --listen: listen on a non-loopback address anyway')
  .option('--socket <PATH>', 'serve on a Unix socket (mode 0600) instead of TCP, for ssh -L forwarding')
  .description(
    'a local web page of the fleet: live states, URLs, start/stop/restart, logs; 127.0.0.1 only, behind a token it prints once',
  )
  .action(action(() => import('./commands/ui.js')));

command('export')
  .argument('<target>', 'kubernetes, systemd or compose')
  .option('--out <DIR>', 'write the files into DIR (default: print them, each after a "==> name <==" line)')
  .option(
    '--image <PRODUCT=REF>',
    "container image for a product or an instance (repeatable; default: WSO2's image, named in the output)",
    (value: string, images: string[]) => [...images, value],
    [] as string[],
  )
  .option('--user <NAME>', 'systemd: the User= of every unit (default: you)')
  .description(
    "the planned fleet as another engine's files: Kubernetes manifests, systemd units, or a Compose file; lists what they cannot carry over",
  )
  .action(action(() => import('./commands/export.js')));

/** Resolves once the command has run (tests running the CLI in-process wait for it). */
export const finished = (async () => {
  try {
    await program.parseAsync();
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // `help` and `--help` exit 0; bare `wso2-supervisor` shows the help as an error (commander's exit code 1).
    const helpOrVersion =
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      (error.code === 'commander.help' && error.exitCode === 0);
    if (helpOrVersion) process.exitCode = exitCodes.ok;
    else {
      if (process.argv.includes('--json')) printJson({ ok: false, error: 'usage', message: error.message });
      process.exitCode = exitCodes.usage;
    }
  }
})();
