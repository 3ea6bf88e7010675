/** A `status` command line, as the full command line (main.ts) would parse it. */
export interface QuickStatusArgs {
  readonly file: string | undefined;
  readonly stateDir: string | undefined;
  readonly json: boolean;
  readonly name: string | undefined;
}

const commandNames = new Set(['status', 'ps', 'ls', 'list']);

/**
 * Reads `[GLOBAL...] status|ps|ls|list [OPTION...] [NAME]`, where each option is `-f FILE`, `--file FILE`,
 * `--file=FILE`, `--state-dir DIR`, `--state-dir=DIR` or `--json`, as commander does: within the globals or
 * the command's own options the last one given wins, and a global one wins over the command's own
 * (optsWithGlobals: "globals overwrite locals"). Anything else (help, a typo, a second name, `--`, a value
 * that looks like an option) gives undefined: the full command line then parses it, and says what is wrong.
 * Pure, for the tests; the launcher (src/cli/launcher.ts) runs the small status bundle for what it accepts.
 */
export function parseQuickStatus(args: readonly string[]): QuickStatusArgs | undefined {
  const global: { file?: string; stateDir?: string } = {};
  const own: { file?: string; stateDir?: string } = {};
  let json = false;
  let command: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = splitInline(arg);
    if (flag === '--json' && inline === undefined) {
      json = true;
      continue;
    }
    const takesValue = flag === '--file' || flag === '--state-dir' || (flag === '-f' && inline === undefined);
    if (takesValue) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      const options = command === undefined ? global : own;
      if (flag === '--state-dir') options.stateDir = value;
      else options.file = value;
      continue;
    }
    if (arg.startsWith('-')) return undefined;
    if (command === undefined) {
      if (!commandNames.has(arg)) return undefined;
      command = arg;
    } else if (name === undefined) name = arg;
    else return undefined;
  }
  if (command === undefined) return undefined;
  return { file: global.file ?? own.file, stateDir: global.stateDir ?? own.stateDir, json, name };
}

/** `--file=x` -> ['--file', 'x']; anything else as it is. */
function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const at = arg.indexOf('=');
  return at === -1 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

/** The user's arguments in `process.argv`, after `node -e SCRIPT` too, as commander reads them. */
export function userArguments(argv: readonly string[], execArgv: readonly string[]): readonly string[] {
  const evaluated = ['-e', '--eval', '-p', '--print'].some((flag) => execArgv.includes(flag));
  return argv.slice(evaluated ? 1 : 2);
}
