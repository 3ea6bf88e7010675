import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CarbonLog } from './log.js';

/**
 * The effects of the fault knobs (knobs.ts) that are more than a timer: each one behaves as the matching real
 * failure would, as far as a supervisor can see it.
 */

/**
 * One JSON line `{"event","pid","at"}` (`at`: epoch milliseconds with a fraction) when a JVM's code starts or
 * it crashes (the time from a crash to the next JVM's first line of code), and when an output burst begins
 * and has been written whole (log throughput).
 */
export function stampLifecycle(
  file: string | undefined,
  event: 'start' | 'crash' | 'output-start' | 'output-done',
): void {
  if (file === undefined) return;
  const at = performance.timeOrigin + performance.now();
  appendFileSync(file, `${JSON.stringify({ event, pid: process.pid, at })}\n`);
}

/** A JVM dying on its own: the fatal-error banner a crashed HotSpot prints to stdout, no shutdown lines. */
export function crash(exitCode: number, afterMs: number, lifecycleStamp?: string): never {
  stampLifecycle(lifecycleStamp, 'crash');
  process.stdout.write(
    [
      '#',
      '# A fatal error has been detected by the Java Runtime Environment:',
      '#',
      `#  Simulated crash (after ${afterMs} ms), pid=${process.pid}, exit code ${exitCode}`,
      '#',
      '',
    ].join('\n'),
  );
  process.exit(exitCode);
}

/**
 * Whether this JVM should ask for a restart (exit 121), at most once per run of the start script. The marker
 * (home-layout.ts) lives outside `tmp/` because the MI / API-M scripts empty `tmp/` at start, and names the script's pid (our
 * parent) so that the JVM the script's loop starts next, with the same parent, does not ask again, while a new
 * run of the script does.
 */
export function claimRestartOnce(marker: string): boolean {
  const owner = String(process.ppid);
  try {
    if (readFileSync(marker, 'utf8') === owner) return false;
  } catch {
    // no marker yet: first restart of any run
  }
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, owner);
  return true;
}

/**
 * A process the JVM starts and that outlives it: same process group (no setsid), the JVM's stdout and stderr
 * inherited, so a reader waiting only for end-of-file on the console pipe waits for it too. It ends by itself
 * after ten minutes so that a test run that forgets it leaks nothing for long. Its pid goes to the log and to
 * `pidFile` (`tmp/sim-grandchild.pid`).
 */
export function startGrandchild(pidFile: string, log: CarbonLog): number | undefined {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.unref();
  if (child.pid === undefined) return undefined;
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, String(child.pid));
  log.write({
    level: 'INFO',
    logger: 'org.wso2.carbon.sim.Grandchild',
    message: `Started helper process ${child.pid} (outlives the server)`,
  });
  return child.pid;
}

export const burstLineLength = 100;

/** `SIM-OUTPUT <8-digit sequence number> xxx…` padded to exactly 100 bytes with its newline. */
export function burstLine(sequence: number): string {
  const head = `SIM-OUTPUT ${String(sequence).padStart(8, '0')} `;
  return `${head}${'x'.repeat(burstLineLength - head.length - 1)}\n`;
}

/**
 * Writes `bytes` of numbered console lines (rounded up to whole lines) as fast as the reader takes them, in
 * chunks that let the server keep answering between them, then a log line saying how much was written.
 * Each chunk is a copy of one template with only the sequence numbers filled in: the producer runs at
 * memory speed, so a benchmark measures the capture, not the making of the lines.
 */
export function outputBurst(bytes: number, log: CarbonLog, lifecycleStamp?: string): Promise<void> {
  const lines = Math.ceil(bytes / burstLineLength);
  const linesPerChunk = 2560; // 256 KB
  const template = Buffer.from(burstLine(0).repeat(linesPerChunk), 'latin1');
  const digitsAt = 'SIM-OUTPUT '.length;
  return new Promise((resolve) => {
    let next = 1;
    const writeChunk = () => {
      const count = Math.min(linesPerChunk, lines - next + 1);
      const chunk = Buffer.from(template.subarray(0, count * burstLineLength));
      for (let k = 0; k < count; k++) {
        let sequence = next + k;
        for (let d = digitsAt + 7; d >= digitsAt; d--) {
          chunk[k * burstLineLength + d] = 48 + (sequence % 10);
          sequence = Math.floor(sequence / 10);
        }
      }
      process.stdout.write(chunk);
      next += count;
      if (next <= lines) {
        setImmediate(writeChunk);
        return;
      }
      stampLifecycle(lifecycleStamp, 'output-done');
      log.write({
        level: 'INFO',
        logger: 'org.wso2.carbon.sim.OutputBurst',
        message: `Simulated output burst done: ${lines} lines, ${lines * burstLineLength} bytes`,
      });
      resolve();
    };
    if (lines === 0) return resolve();
    stampLifecycle(lifecycleStamp, 'output-start');
    writeChunk();
  });
}

/** One JSON line per instance readiness, for benchmarks that measure time to ready. */
export function appendReadyStamp(file: string, carbonHome: string, readyAt: number, log: CarbonLog): void {
  try {
    appendFileSync(file, `${JSON.stringify({ pid: process.pid, home: carbonHome, readyAt })}\n`);
  } catch (error) {
    log.write({
      level: 'WARN',
      logger: 'org.wso2.carbon.sim.ReadyStamp',
      message: `cannot append to ${file}: ${(error as Error).message}`,
    });
  }
}
