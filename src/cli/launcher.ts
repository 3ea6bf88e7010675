import { parseQuickStatus } from './quick-status-args.js';

export { launch } from '../code-cache.js';

/**
 * Which bundle of dist/bundle/ runs a command line: the small one of `status` (quick-status.ts) for a plain
 * status command, polled by scripts and dashboards, else the whole command line's (main.ts). Measured on
 * `--json status` of 20 instances: see the README's performance section.
 */
export function bundleFor(args: readonly string[]): 'status.cjs' | 'cli.cjs' {
  return parseQuickStatus(args) === undefined ? 'cli.cjs' : 'status.cjs';
}
