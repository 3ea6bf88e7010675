import { execFile, execFileSync } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Where an instance's output is captured: `<stateDir>/logs/<name>.log`. */
export const logFileOf = (stateDir: string, name: string): string =>
  path.join(stateDir, 'logs', `${name}.log`);

/** The named pipe an instance's output goes through, beside its log. */
export const pipeOf = (logFile: string): string => `${logFile}.pipe`;

/**
 * Makes the pipes (mode 0600) that are not there yet, with one `mkfifo` for them all: Node has no mkfifo(3),
 * and one mkfifo per instance, run synchronously as each instance launched, held a fleet's first start
 * up by ~24 ms an instance on 2 cores (issue 17). Anything else under a pipe's name is replaced.
 */
export async function makeFifos(pipes: readonly string[]): Promise<void> {
  const missing = pipes.filter(needsFifo);
  if (missing.length > 0) await promisify(execFile)('mkfifo', ['-m', '600', '--', ...missing]);
}

/** Makes one pipe unless it is there (an instance added by a reload, say). */
export function makeFifo(pipe: string): void {
  if (needsFifo(pipe)) execFileSync('mkfifo', ['-m', '600', '--', pipe]);
}

function needsFifo(pipe: string): boolean {
  try {
    if (lstatSync(pipe).isFIFO()) return false;
    unlinkSync(pipe);
  } catch {
    // Not there yet.
  }
  return true;
}
