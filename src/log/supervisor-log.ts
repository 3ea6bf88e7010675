import { mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { prettyLineStream, wantsColour } from './pretty-line.js';

/** The supervisor's own log is state changes only; past this size it is set aside at start-up. */
const rotateAtBytes = 10 * 1024 * 1024;

/**
 * Structured events (pino JSON lines) to `<stateDir>/logs/supervisor.log`, and to the terminal: one line
 * per event on a TTY, as `logs --supervisor` shows them (NO_COLOR honoured), JSON lines otherwise so that
 * scripts and journald can parse them. Each line has one `pid`, the supervisor's (pino's base): where an
 * event concerns an instance's process, that pid is logged under another name (`scriptPid`, `jvmPid`).
 */
export async function supervisorLogger(
  stateDir: string,
  options: { terminal: boolean } = { terminal: true },
): Promise<{ log: Logger; file: string; flush(): void }> {
  const dir = path.join(stateDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'supervisor.log');
  setAsideIfLarge(file);
  // Synchronous: a line is one write(2) to the page cache; asynchronously each was a round trip through the
  // thread pool, which kept the daemon busy while a restarted JVM booted (issue 17).
  const fileStream = pino.destination({ dest: file, sync: true, mkdir: true });
  // A daemon has no terminal: its log file is the whole story (`logs --supervisor`). pino-pretty is loaded
  // only for a terminal, so a daemon does not carry it.
  const streams: pino.StreamEntry[] = [{ stream: fileStream }];
  if (options.terminal && process.stdout.isTTY) {
    streams.push({ stream: await prettyLineStream(wantsColour(process.stdout)) });
  } else if (options.terminal) {
    streams.push({ stream: pino.destination({ dest: 1, sync: true }) });
  }
  const log = pino(
    { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
  return { log, file, flush: () => fileStream.flushSync() };
}

function setAsideIfLarge(file: string): void {
  try {
    if (statSync(file).size > rotateAtBytes) renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
}
