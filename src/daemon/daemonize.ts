import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AlreadyRunningError, DaemonStartError } from '../errors.js';
import type { Manifest } from '../manifest/instance-config.js';
import { daemonScript } from '../package-root.js';
import type { Plan } from '../ports/planner.js';
import { supervisorStatus } from './control-client.js';
import type { StatusAnswer } from './control-protocol.js';
import { writeHandOff } from './handoff.js';

/**
 * A daemon mostly waits: memory matters more than the speed of its JavaScript (measured, issue 17: with 20
 * instances, 66 MB without these, 52 MB with them). A small young generation (no 16 MB semi-spaces), one V8
 * helper thread, and V8's lite mode (no optimizing compiler, bytecode flushed when unused).
 */
const daemonNodeOptions = ['--max-semi-space-size=1', '--v8-pool-size=1', '--lite-mode'];

/**
 * `up -d`: starts `up` as a daemon (its own session, no terminal, output in logs/supervisor.log) and
 * resolves its pid once it answers on its control socket.
 */
export async function daemonize(manifest: Manifest, plan: Plan): Promise<number> {
  const { stateDir } = manifest;
  const existing = await supervisorStatus(stateDir);
  if (existing) throw new AlreadyRunningError(existing.supervisorPid, stateDir);
  // Whatever the daemon prints before its log is up (or if it dies) lands here, not in the void.
  await mkdir(path.join(stateDir, 'logs'), { recursive: true, mode: 0o700 });
  const console = path.join(stateDir, 'logs', 'daemon.out');
  const output = openSync(console, 'a', 0o600);
  const child = spawn(
    process.execPath,
    [...daemonNodeOptions, daemonScript(), '-f', manifest.file, '--state-dir', stateDir],
    {
      detached: true,
      stdio: ['pipe', output, output],
      cwd: path.dirname(manifest.file),
      env: process.env,
    },
  );
  closeSync(output);
  writeHandOff(child.stdin as NonNullable<typeof child.stdin>, { manifest, plan });
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  let answer: StatusAnswer | undefined;
  for (const deadline = Date.now() + 30_000; answer === undefined; ) {
    if (exited !== undefined || Date.now() > deadline) {
      const last = (await readFile(console, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      const why = exited === undefined ? 'no answer in 30 s' : `it exited with ${exited}`;
      throw new DaemonStartError(why, console, last);
    }
    await delay(50);
    answer = await supervisorStatus(stateDir);
  }
  return answer.supervisorPid;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
