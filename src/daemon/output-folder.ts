import { existsSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Where a starting daemon's output goes, and how to take away what was made for it. */
export interface OutputFolder {
  /** `<stateDir>/logs/daemon.out`: what the daemon prints before its log is up, or as it dies. */
  readonly file: string;
  /** Takes away what was made here, and only that: the file while still empty, then each folder while empty. */
  undo(): void;
}

/**
 * `up -d` starts the daemon before it knows the manifest is valid (it validates while the daemon boots),
 * so the folders it makes for the daemon's output may have to go again: a refused `up -d` leaves nothing.
 * Only what this call made goes, and a folder only while empty, so nothing another process put there
 * since (a concurrent `up -d`'s daemon) is touched.
 */
export async function makeOutputFolder(stateDir: string): Promise<OutputFolder> {
  const logs = path.join(stateDir, 'logs');
  const first = await mkdir(logs, { recursive: true, mode: 0o700 });
  const file = path.join(logs, 'daemon.out');
  const fileIsNew = !existsSync(file);
  const made = first === undefined ? [] : foldersUpTo(logs, first);
  return {
    file,
    undo: () => {
      try {
        if (fileIsNew && statSync(file).size === 0) unlinkSync(file);
      } catch {
        // gone already
      }
      for (const folder of made) {
        try {
          rmdirSync(folder);
        } catch {
          return; // not empty (someone else's now), or gone: what is above it stays too
        }
      }
    },
  };
}

/** `deepest` and each folder above it up to `top`, deepest first. */
function foldersUpTo(deepest: string, top: string): string[] {
  const folders = [deepest];
  for (let folder = deepest; folder !== top && path.dirname(folder) !== folder; ) {
    folder = path.dirname(folder);
    folders.push(folder);
  }
  return folders;
}
