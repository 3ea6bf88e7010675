import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AlreadyRunningError, DaemonStartError } from '../errors.js';
import type { Manifest } from '../manifest/instance-config.js';
import { daemonScript } from '../package-root.js';
import type { Plan } from '../ports/planner.js';
import { supervisorStatus } from './control-client.js';
import type { StatusAnswer } from './control-protocol.js';
import { writeHandOff } from './handoff.js';
import { daemonNodeOptions } from './node-options.js';
import { makeOutputFolder } from './output-folder.js';

/** A daemon started and waiting for its plan on stdin. */
export interface StartingDaemon {
  /** Hands it the manifest and plan, and resolves its pid once it answers on its control socket. */
  handOver(manifest: Manifest, plan: Plan): Promise<number>;
  /** Nothing to run after all (the manifest is invalid, or cannot be planned): the daemon exits at once. */
  abandon(): void;
}

/**
 * `up -d`: starts the daemon (its own session, no terminal, output in logs/supervisor.log) first thing, so
 * that its Node boots while `up -d` loads the schema, validates the manifest and plans (~50-60 ms of every
 * fleet start, issue 17); it waits for both on its stdin before it takes the state folder or launches
 * anything.
 */
export async function startDaemon(manifestFile: string, stateDir: string): Promise<StartingDaemon> {
  const existing = await supervisorStatus(stateDir);
  if (existing) throw new AlreadyRunningError(existing.supervisorPid, stateDir);
  // Whatever the daemon prints before its log is up (or if it dies) lands here, not in the void.
  const output = await makeOutputFolder(stateDir);
  let child: ChildProcess;
  try {
    const fd = openSync(output.file, 'a', 0o600);
    try {
      child = spawn(
        process.execPath,
        [...daemonNodeOptions, daemonScript(), '-f', manifestFile, '--state-dir', stateDir, '--hand-off'],
        { detached: true, stdio: ['pipe', fd, fd], cwd: path.dirname(manifestFile), env: process.env },
      );
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    output.undo();
    throw error;
  }
  child.unref();
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited ??= `it exited with ${code ?? signal}`;
  });
  child.once('error', (error) => {
    exited ??= `it could not be started (${error.message})`;
  });
  const stdin = child.stdin as NonNullable<typeof child.stdin>;
  return {
    abandon: () => {
      stdin.end();
      output.undo();
    },
    handOver: async (manifest, plan) => {
      writeHandOff(stdin, { manifest, plan });
      let answer: StatusAnswer | undefined;
      for (const deadline = Date.now() + 30_000; answer === undefined; ) {
        if (exited !== undefined || Date.now() > deadline) {
          const text = await readFile(output.file, 'utf8').catch(() => '');
          const last = text.trim().split('\n').slice(-5).join('\n');
          throw new DaemonStartError(exited ?? 'no answer in 30 s', output.file, last);
        }
        await delay(20);
        answer = await supervisorStatus(stateDir);
      }
      return answer.supervisorPid;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
