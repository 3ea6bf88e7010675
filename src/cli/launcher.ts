import { parseQuickStatus, userArguments } from './quick-status-args.js';

export { launch } from '../code-cache.js';

/**
 * Which bundle of dist/bundle/ runs a command line: the small one of `status` (quick-status.ts) for a plain
 * status command, polled by scripts and dashboards, else the whole command line's (main.ts). Given the
 * process's argv and execArgv, so that it reads the arguments as both bundles do.
 */
export function bundleFor(argv: readonly string[], execArgv: readonly string[]): 'status.cjs' | 'cli.cjs' {
  return parseQuickStatus(userArguments(argv, execArgv)) === undefined ? 'cli.cjs' : 'status.cjs';
}
