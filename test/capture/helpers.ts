import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { type Capture, startCapture } from '../../src/capture/capture.js';
import { logWriterScript } from '../../src/capture/shared-writer.js';

/**
 * Real writer processes, real producers in their own process groups, real files in a fresh folder per
 * test; after each test every process started is killed and the folder removed. Waits are on conditions.
 */
import { isAlive, procStatFields } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

export { isAlive, procStatFields, waitFor };

export interface CaptureTest {
  /** A fresh folder; `log` is `<folder>/logs/app.log`. */
  folder(): string;
  log(): string;
  capture(options?: { maxBytes?: number; files?: number; logFile?: string }): Promise<Capture>;
  /** Runs `sh -c script` in its own process group with stdout and stderr into `output`. */
  produce(output: Capture['output'], script: string): Producer;
  /** Runs `node -e code` likewise (without NODE_EXTRA_CA_CERTS, which slows every Node start here). */
  produceNode(output: Capture['output'], code: string): Producer;
}

export interface Producer {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function useCaptureTest(): CaptureTest {
  let folder = '';
  const groups = new Set<number>();
  const writers = new Set<number>();

  beforeAll(() => {
    logWriterScript(); // fails with "build first" when dist/ is missing
  });

  afterEach(async () => {
    for (const pgid of groups) signal(-pgid, 'SIGKILL');
    for (const pid of writers) signal(pid, 'SIGKILL');
    await waitFor('the test processes to end', () => [...groups, ...writers].every((pid) => !isAlive(pid)));
    groups.clear();
    writers.clear();
    if (folder !== '') rmSync(folder, { recursive: true, force: true });
    folder = '';
  });

  const ensureFolder = () => {
    if (folder === '') folder = mkdtempSync(join(tmpdir(), 'wso2-capture-test-'));
    return folder;
  };
  const launch = (command: string, args: string[], output: Capture['output']): Producer => {
    const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;
    const child = spawn(command, args, { detached: true, stdio: ['ignore', output, output], env });
    const pid = child.pid as number;
    groups.add(pid);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { pid, child, exited };
  };

  return {
    folder: ensureFolder,
    log: () => join(ensureFolder(), 'logs', 'app.log'),
    capture: async (options = {}) => {
      const capture = await startCapture({
        logFile: options.logFile ?? join(ensureFolder(), 'logs', 'app.log'),
        maxBytes: options.maxBytes ?? 64 * 1024,
        files: options.files ?? 5,
      });
      writers.add(capture.writerPid());
      return capture;
    },
    produce: (output, script) => launch('sh', ['-c', script], output),
    produceNode: (output, code) => launch(process.execPath, ['-e', code], output),
  };
}

/** The kept log files, oldest first: `app.log.(files-1)` ... `app.log.1`, `app.log`. */
export function keptFiles(logFile: string): string[] {
  const name = basename(logFile);
  const rotated = readdirSync(dirname(logFile))
    .filter((entry) => new RegExp(`^${name.replaceAll('.', '\\.')}\\.\\d+$`).test(entry))
    .map((entry) => Number(entry.slice(name.length + 1)))
    .sort((a, b) => b - a)
    .map((k) => `${logFile}.${k}`);
  return existsSync(logFile) ? [...rotated, logFile] : rotated;
}

/** Everything the kept files hold, oldest first. */
export function keptOutput(logFile: string): string {
  return keptFiles(logFile)
    .map((file) => readFileSync(file, 'utf8'))
    .join('');
}

export function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `line 000001\n` ... as `seq -f 'line %06g' 1 count` prints them. */
export function numberedLines(count: number, from = 1): string {
  let text = '';
  for (let n = from; n < from + count; n++) text += `line ${String(n).padStart(6, '0')}\n`;
  return text;
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // already gone
  }
}
