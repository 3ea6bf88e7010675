import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { SupervisorError } from '../errors.js';

export class AlreadyRunningError extends SupervisorError {
  readonly exitCode = 1;
  override readonly name = 'AlreadyRunningError';
  constructor(
    readonly pid: number,
    readonly stateDir: string,
  ) {
    super(
      `a supervisor is already running for ${stateDir} (pid ${pid}). Use it, or stop it with: wso2-supervisor down`,
    );
  }
  toJSON() {
    return { error: 'already-running', message: this.message, pid: this.pid, stateDir: this.stateDir };
  }
}

/**
 * One supervisor per state folder: `supervisor.pid` created exclusively. A lock whose pid is gone was left
 * by a supervisor that died: it is taken over silently.
 */
export async function acquireLock(stateDir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, 'supervisor.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new AlreadyRunningError(holder, stateDir);
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
