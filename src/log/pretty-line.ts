import { createRequire } from 'node:module';
import type { PrettyOptions } from 'pino-pretty';

/**
 * pino-pretty (CommonJS), loaded on first use by require rather than import(): the CLI bundle runs from
 * V8's code cache (code-cache.ts), where a dynamic import() has no loader to call.
 */
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

/**
 * How the supervisor's pino events read on a terminal, one line each: local time with its zone, level,
 * instance, event, from→to, then the reason or message, and any other fields inline. Shared by foreground
 * `up` (its terminal stream) and `logs --supervisor` (its lines re-read from the file), so both look alike.
 * pino-pretty is loaded only by a terminal that shows these: a daemon never carries it.
 */
export function prettyLineOptions(colorize: boolean): PrettyOptions {
  return {
    colorize,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o',
    singleLine: true,
    ignore: 'pid,hostname,instance,event,from,to,reason',
    messageFormat: (log, messageKey) => {
      const move = log.from === undefined ? undefined : `${log.from}→${log.to}`;
      const message = log.reason ?? log[messageKey];
      const parts = [log.instance, log.event, move, message === log.event ? undefined : message];
      return parts.filter((part) => part !== undefined && part !== '').join(' ');
    },
  };
}

/** Colour only on a terminal that has not asked for none (https://no-color.org: any non-empty value). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A function from one pino JSON line to its one-line form (newline included). */
export async function prettyLine(colorize: boolean): Promise<(line: string) => string> {
  const { prettyFactory } = loadPretty();
  return prettyFactory(prettyLineOptions(colorize));
}

/** The one-line form as a stream for pino (foreground `up` on a terminal), written to `destination`. */
export async function prettyLineStream(
  colorize: boolean,
  destination: number | NodeJS.WritableStream = 1,
): Promise<NodeJS.WritableStream> {
  const pretty = loadPretty();
  return pretty({ ...prettyLineOptions(colorize), destination, sync: true });
}
