import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach } from 'vitest';
import { groupMembers } from '../../src/process/proc-stat.js';
import type { ProductId } from '../../src/products/product.js';
import { cliPath } from './cli.js';
import { killQuietly, processesOf } from './processes.js';

/** An instance as state.json records it: the fields the daemon tests read. */
export interface RecordedInstance {
  name: string;
  product: ProductId;
  offset: number;
  pid?: number;
  pgid?: number;
  writerPid?: number;
  machine: { state: string; detail?: string };
}

export interface StateDocument {
  supervisor: { pid: number };
  instances: Record<string, RecordedInstance>;
}

/** What `status --json` prints: the fields the daemon tests read. */
export interface StatusDocument {
  supervised: boolean;
  supervisorPid: number | null;
  instances: { name: string; state: string; detail: string | null; restarts: number }[];
}

export interface DaemonFolder {
  /** The test's temporary folder (manifest, homes, state); set by the test when it makes it. */
  root: string;
  /** Process groups to sweep after the test, besides those its state.json names at the end. */
  readonly groups: Set<number>;
  /** The real CLI in `root`, never rejecting, with a generous timeout. */
  cli(args: readonly string[]): ReturnType<typeof cliIn>;
  /** `<root>/state/state.json`, or undefined while it does not exist (or is being replaced). */
  readState<T>(): T | undefined;
}

/**
 * For tests that run a daemon in a folder of their own: after each test, `down`, then SIGKILL to whatever
 * is left of the recorded process groups and of anything else running from the folder. A failed test's
 * folder is kept, with its state.json and logs, as evidence.
 */
export function useDaemonFolder(label: string): DaemonFolder {
  const folder: DaemonFolder = {
    root: '',
    groups: new Set<number>(),
    cli: (args) => cliIn(folder.root, args),
    readState: <T>() => {
      try {
        return JSON.parse(readFileSync(path.join(folder.root, 'state', 'state.json'), 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
  };
  afterEach(async ({ task }) => {
    if (folder.root === '') return;
    await folder.cli(['down']);
    const state = folder.readState<{ instances: Record<string, { pgid?: number }> }>();
    for (const i of Object.values(state?.instances ?? {})) if (i.pgid) folder.groups.add(i.pgid);
    for (const pgid of folder.groups) for (const p of groupMembers(pgid)) killQuietly(p.pid);
    for (const p of processesOf(folder.root)) killQuietly(p.pid);
    folder.groups.clear();
    if (task.result?.state !== 'fail') rmSync(folder.root, { recursive: true, force: true });
    else console.error(`${label}: evidence kept in ${folder.root}`);
    folder.root = '';
  });
  return folder;
}

function cliIn(root: string, args: readonly string[]) {
  return execa(process.execPath, [cliPath, ...args], {
    cwd: root,
    reject: false,
    env: { NO_COLOR: '1' },
    timeout: 90_000,
  });
}
