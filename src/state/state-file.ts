import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod/mini';
import { type InstanceSnapshot, instanceRecordSchema } from './instance-record.js';

/**
 * `<stateDir>/state.json`: what a new supervisor needs to find, verify and re-adopt living instances.
 * Version 2 added waits, `waiting` and relaunches; a version 1 file reads as version 2 (every new field is
 * optional).
 */
export const stateVersion = 2;

const envelope = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  supervisor: z.object({ pid: z.int(), startedAt: z.string(), stoppedAt: z.optional(z.string()) }),
  updatedAt: z.string(),
  instances: z.record(z.string(), z.unknown()),
});

export interface StateDocument {
  readonly version: number;
  /** `stoppedAt`: it went down on purpose (`down`, a signal), not killed. */
  readonly supervisor: {
    readonly pid: number;
    readonly startedAt: string;
    readonly stoppedAt?: string | undefined;
  };
  readonly updatedAt: string;
  readonly instances: Readonly<Record<string, InstanceSnapshot>>;
}

/** A record of state.json that did not fit the schema: left out, and said so. */
export interface DroppedRecord {
  readonly instance: string;
  readonly problem: string;
}

/**
 * Writes state atomically (a temporary file, then rename over the old one), so a crash mid-write never
 * leaves a torn file. The changes of one turn of the event loop are written once, at its end. The document
 * may be given as a function, called when it is written: a start-up wave of twenty instances changes state
 * hundreds of times, and each change made a snapshot of every instance (issue 17).
 *
 * Synchronously: a write of a few KiB to the page cache takes ~0.1 ms, where the thread pool's mkdir, open,
 * write, close and rename were five round trips of the daemon's loop, each waking a thread; they kept the
 * daemon busy for the first ~10 ms of every restarted JVM's boot, on a 2-core machine (issue 17).
 */
export class StateFile {
  private writing: Promise<void> | undefined;
  private document: StateDocument | (() => StateDocument) | undefined;

  constructor(private readonly stateDir: string) {}

  get file(): string {
    return path.join(this.stateDir, 'state.json');
  }

  save(document: StateDocument | (() => StateDocument)): Promise<void> {
    this.document = document;
    this.writing ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.writing = undefined;
        try {
          this.write();
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
    return this.writing;
  }

  /** Resolves once every document given to `save` so far is in the file (at once when none is pending). */
  settled(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    const document = typeof this.document === 'function' ? this.document() : this.document;
    writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

/** The last state a supervisor wrote, or nothing (first run, or a file that is not ours). */
export async function readStateDocument(stateDir: string): Promise<StateDocument | undefined> {
  return (await readState(stateDir)).document;
}

/**
 * The last state a supervisor wrote, each instance's record checked on its own: a malformed one (a field
 * missing, a foreign edit) is dropped and reported, and the others are kept, so one bad record costs that
 * instance its adoption, never the supervisor's start.
 */
export async function readState(
  stateDir: string,
): Promise<{ document: StateDocument | undefined; dropped: DroppedRecord[] }> {
  const text = await readFile(path.join(stateDir, 'state.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return { document: undefined, dropped: [] };
  let parsed: z.infer<typeof envelope>;
  try {
    const result = envelope.safeParse(JSON.parse(text));
    if (!result.success) return { document: undefined, dropped: [] };
    parsed = result.data;
  } catch {
    return { document: undefined, dropped: [] };
  }
  const instances: Record<string, InstanceSnapshot> = {};
  const dropped: DroppedRecord[] = [];
  for (const [name, record] of Object.entries(parsed.instances)) {
    const result = instanceRecordSchema.safeParse(record);
    if (result.success && result.data.name === name) instances[name] = result.data;
    else {
      const issue = result.success ? undefined : result.error.issues[0];
      const where = issue ? `$.instances.${name}${issue.path.map((p) => `.${String(p)}`).join('')}` : '';
      const problem = issue ? `${where}: ${issue.message}` : `$.instances.${name}.name: does not match`;
      dropped.push({ instance: name, problem });
    }
  }
  return { document: { ...parsed, instances }, dropped };
}
