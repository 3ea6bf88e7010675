import { type ChildProcess, spawn } from 'node:child_process';
import { cliPath } from '../helpers/cli.js';

/** A running `wso2-supervisor ui`, as a user starts it, and what it printed. */
export interface UiProcess {
  readonly child: ChildProcess;
  /** Everything it printed on stdout so far. */
  readonly output: () => string;
  /** Resolves with its exit code once it has exited (after stop(), or on its own). */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** The address `ui` printed, with its port and token. */
export interface UiAddress {
  readonly url: string;
  readonly port: number;
  readonly token: string;
}

/** Starts `wso2-supervisor ui ARGS` in `root` (the real, built CLI); stop() sends SIGINT, as Ctrl-C. */
export function startUi(root: string, args: readonly string[] = []): UiProcess {
  const child = spawn(process.execPath, [cliPath, 'ui', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => `${stdout}${stderr}`,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Waits (bounded) for the address `ui` prints once it listens. */
export async function addressOf(ui: UiProcess, timeoutMs = 30_000): Promise<UiAddress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = /(http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})\b/.exec(ui.output());
    if (found) return { url: found[1] as string, port: Number(found[2]), token: found[3] as string };
    if (ui.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`wso2-supervisor ui printed no address:\n${ui.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
