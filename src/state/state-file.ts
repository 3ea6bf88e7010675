import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceSnapshot } from '../supervisor/instance-runner.js';

/** `<stateDir>/state.json`: what a new supervisor needs to find, verify and re-adopt living instances. */
export interface StateDocument {
  readonly version: 1;
  readonly supervisor: { readonly pid: number; readonly startedAt: string };
  readonly updatedAt: string;
  readonly instances: Readonly<Record<string, InstanceSnapshot>>;
}

/**
 * Writes state atomically (a temporary file, then rename over the old one), so a crash mid-write never
 * leaves a torn file. Writes requested while one is under way are coalesced into one more write.
 */
export class StateFile {
  private writing: Promise<void> | undefined;
  private pending = false;
  private document: StateDocument | undefined;

  constructor(private readonly stateDir: string) {}

  get file(): string {
    return path.join(this.stateDir, 'state.json');
  }

  save(document: StateDocument): Promise<void> {
    this.document = document;
    if (this.writing) {
      this.pending = true;
      return this.writing;
    }
    this.writing = this.flush().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async flush(): Promise<void> {
    do {
      this.pending = false;
      const temporary = `${this.file}.${process.pid}.tmp`;
      await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
      await writeFile(temporary, `${JSON.stringify(this.document, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    } while (this.pending);
  }
}

/** The last state a supervisor wrote, or nothing (first run, or a file that is not ours). */
export async function readStateDocument(stateDir: string): Promise<StateDocument | undefined> {
  const text = await readFile(path.join(stateDir, 'state.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const document = JSON.parse(text) as StateDocument;
    return document.version === 1 && typeof document.instances === 'object' ? document : undefined;
  } catch {
    return undefined;
  }
}
