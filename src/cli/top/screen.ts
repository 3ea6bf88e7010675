import type { Size } from './render.js';

/**
 * The terminal as `top` uses it: the alternate screen (what was on the terminal comes back at the end, as
 * with less or htop), no cursor, no line wrap, raw keys. Whatever ends the process (q, a signal, an
 * exception, process.exit) gives the terminal back as it was, once.
 */
export interface Screen {
  size(): Size;
  /** Shows these lines, rewriting only those that changed since the last frame. */
  draw(lines: readonly string[]): void;
  /** Gives the terminal back; safe to call more than once. */
  close(): void;
}

const enter = '\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[H\x1b[2J';
const leave = '\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l';
const endSignals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

export function openScreen(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  handlers: { keys(data: string): void; resized(): void },
): Screen {
  let previous: readonly string[] = [];
  let open = true;

  const onData = (data: string) => handlers.keys(data);
  const onResize = () => {
    previous = [];
    writeOut('\x1b[2J');
    handlers.resized();
  };
  const restore = () => {
    if (!open) return;
    open = false;
    input.off('data', onData);
    output.off('resize', onResize);
    for (const signal of endSignals) process.off(signal, onSignal);
    process.off('exit', restore);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    try {
      input.setRawMode(false);
    } catch {
      // the terminal is gone (SIGHUP): nothing to restore on it
    }
    input.pause();
    writeOut(leave);
  };
  // A signal: the terminal back first, then the signal's own ending (exit status 128 + n, as the shell expects).
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.kill(process.pid, signal);
  };
  const onCrash = (error: unknown) => {
    restore();
    process.stderr.write(
      `wso2-supervisor top failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  };
  // Writes to a terminal are synchronous in Node on Linux and macOS (process I/O, "A note on process
  // I/O"): what the exit handler writes is out before the process ends.
  function writeOut(text: string): void {
    try {
      output.write(text);
    } catch {
      // the terminal is gone
    }
  }

  for (const signal of endSignals) process.on(signal, onSignal);
  process.on('exit', restore);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  writeOut(enter);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();
  output.on('resize', onResize);

  return {
    size: () => ({ columns: output.columns || 80, rows: output.rows || 24 }),
    draw(lines) {
      if (!open) return;
      let frame = '';
      const count = Math.max(lines.length, previous.length);
      for (let row = 0; row < count; row++) {
        const line = lines[row] ?? '';
        if (line !== previous[row]) frame += `\x1b[${row + 1};1H${line}\x1b[0m\x1b[K`;
      }
      previous = [...lines];
      if (frame !== '') writeOut(frame);
    },
    close: restore,
  };
}
