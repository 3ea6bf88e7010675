import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { vi } from 'vitest';

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

/**
 * Runs the CLI's own entry point, src/cli/main.ts, inside this test process: the same argument parsing,
 * manifest lookup, command, error report and exit code as {@link runCli}, without a Node start per call.
 * It borrows the process while it runs (argv, cwd, NO_COLOR, exitCode, and what is written to stdout and
 * stderr) and gives all of it back. Only for commands that finish on their own and start nothing
 * (validate, --help, --version, usage errors); a test file's cases must run one at a time, as by default.
 */
export async function runCliInProcess(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<CliResult> {
  const saved = {
    argv: process.argv,
    cwd: process.cwd(),
    exitCode: process.exitCode,
    noColor: process.env.NO_COLOR,
  };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const into =
    (chunks: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  const stdoutSpy = vi.spyOn(process.stdout, 'write').mockImplementation(into(stdout));
  const stderrSpy = vi.spyOn(process.stderr, 'write').mockImplementation(into(stderr));
  try {
    process.argv = [process.execPath, cliPath, ...args];
    process.exitCode = undefined;
    process.env.NO_COLOR = '1';
    if (options.cwd !== undefined) process.chdir(options.cwd);
    // main.ts parses process.argv when it is evaluated: a fresh module graph each time.
    vi.resetModules();
    await (await import('../../src/cli/main.js')).finished;
    return { exitCode: Number(process.exitCode ?? 0), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    stdoutSpy.mockRestore();
    stderrSpy.mockRestore();
    process.chdir(saved.cwd);
    process.argv = saved.argv;
    process.exitCode = saved.exitCode;
    if (saved.noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.noColor;
  }
}
