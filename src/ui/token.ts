import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file in the state folder that keeps a running ui process's address and token, for its user alone. */
export const uiFileName = 'ui.json';

/** 32 random bytes, base64url: the key to the page, printed once and kept in ui.json. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface UiFile {
  readonly pid: number;
  /** The address to open, token included (on a Unix socket: the path to open once it is forwarded). */
  readonly url: string;
  readonly token: string;
  readonly socket?: string;
}

/**
 * Writes ui.json, created with mode 0600 (an old one is removed first, so the mode is never an older
 * file's): another user of the machine can connect to 127.0.0.1 too, but cannot read the token.
 */
export async function writeUiFile(stateDir: string, content: UiFile): Promise<string> {
  const file = path.join(stateDir, uiFileName);
  await rm(file, { force: true });
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** Removes ui.json if it is still this process's (another ui process may have started meanwhile). */
export async function removeUiFile(stateDir: string, pid: number): Promise<void> {
  const file = path.join(stateDir, uiFileName);
  const text = await readFile(file, 'utf8').catch(() => '');
  try {
    if ((JSON.parse(text) as { pid?: unknown }).pid === pid) await rm(file, { force: true });
  } catch {
    // not ours to judge
  }
}
