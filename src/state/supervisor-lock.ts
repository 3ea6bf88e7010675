import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AlreadyRunningError } from '../errors.js';
import { isRunning } from '../process/proc-stat.js';

/**
 * One supervisor per state folder: `supervisor.pid` holding the owner's pid. It is written whole to a
 * temporary file and then hard-linked into place, which fails if the lock exists: no reader ever sees an
 * empty or half-written lock. A lock whose pid is gone was left by a supervisor that died: taken over.
 */
export async function acquireLock(stateDir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, 'supervisor.pid');
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(temporary, file);
        return { release: () => unlink(file).catch(() => undefined) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
        if (!Number.isInteger(holder))
          throw new Error(`the lock ${file} is unreadable: remove it if no supervisor runs`);
        if (holder !== process.pid && isRunning(holder)) throw new AlreadyRunningError(holder, stateDir);
        await unlink(file).catch(() => undefined);
      }
    }
    throw new Error(`could not take the lock ${file}`);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
