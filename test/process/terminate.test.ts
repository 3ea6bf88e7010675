import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, readProcStat } from '../../src/process/proc-stat.js';
import { terminateGroup } from '../../src/process/terminate.js';
import { waitFor } from '../helpers/wait-for.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A shell leading its own group that runs `script`; resolves with the first line it prints. */
function group(script: string): Promise<{ shell: ChildProcess; line: string }> {
  const shell = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(shell.pid as number);
  return new Promise((resolve) => {
    shell.stdout?.once('data', (chunk: Buffer) => resolve({ shell, line: chunk.toString().trim() }));
  });
}

describe('terminateGroup', () => {
  it('ends a descendant that left the group (setsid) once the group is gone', async () => {
    // Not a group leader, `setsid` starts a session in place and execs sleep: the shell's child, in a
    // group of its own, which the group's SIGTERM never reaches.
    const { shell, line } = await group('setsid sleep 300 & echo $!; wait');
    const escaped = Number(line);
    started.push(escaped);
    await waitFor('the sleep to leave the group', () => readProcStat(escaped)?.pgid === escaped);
    const result = await terminateGroup({ pgid: shell.pid as number, timeoutMs: 5000 });
    expect(result).toEqual({ graceful: true });
    await waitFor('the escaped sleep to be killed', () => !isRunning(escaped), 10_000);
  });

  it('gives a JVM that left the group its shutdown before the survivors are killed', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'wso2-supervisor-terminate-'));
    const done = path.join(folder, 'shutdown-hooks-ran');
    try {
      // The stand-in JVM leaves the group, and takes 300 ms over its "shutdown hooks" on SIGTERM.
      const jvmScript = `trap 'sleep 0.3; echo ran > ${done}; exit 0' TERM; sleep 300 & wait`;
      const { shell, line } = await group(`setsid sh -c "${jvmScript}" & echo $!; wait`);
      const pid = Number(line);
      started.push(pid);
      await waitFor('the JVM to leave the group', () => readProcStat(pid)?.pgid === pid);
      const startTime = readProcStat(pid)?.startTime as number;
      const result = await terminateGroup({
        pgid: shell.pid as number,
        jvm: { pid, startTime },
        timeoutMs: 10_000,
      });
      expect(result).toEqual({ graceful: true });
      expect(readFileSync(done, 'utf8')).toBe('ran\n');
      expect(isRunning(pid)).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('waits for members that ignore SIGTERM, then SIGKILLs the group at the timeout', async () => {
    // An ignored signal stays ignored across exec: both sleeps ignore SIGTERM like the shell.
    const { shell } = await group('trap "" TERM; sleep 300 & sleep 300 & echo up; wait');
    const pgid = shell.pid as number;
    const since = Date.now();
    const result = await terminateGroup({ pgid, timeoutMs: 1000 });
    expect(result).toEqual({ graceful: false });
    expect(Date.now() - since).toBeGreaterThanOrEqual(1000);
    expect(isRunning(pgid)).toBe(false);
  });
});
