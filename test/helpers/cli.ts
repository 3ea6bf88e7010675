import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const cliPath = fileURLToPath(new URL('../../bin/wso2-supervisor.js', import.meta.url));

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real, built CLI binary (`npm test` builds first) as a user would. */
export async function runCli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [cliPath, ...args], {
    reject: false,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    env: { NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
