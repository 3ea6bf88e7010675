import type { LogRecord } from '../daemon/control-protocol.js';
import { followInstanceLog } from '../daemon/log-follow-client.js';
import type { EventStream } from './event-stream.js';

/** Lines a page gets when it opens an instance's log, before the new ones. */
export const backlogLines = 200;

/**
 * Streams an instance's captured output to a page through the supervisor's log stream: `ready` once it
 * follows, then the last lines and each new one as `line` events (`dropped` when the page fell behind).
 * The supervisor's stream is opened before the page's: a refusal (no such instance, no supervisor) throws,
 * and is answered as an HTTP error, on which EventSource stops instead of retrying. Either side closing
 * closes the other.
 */
export async function feedLog(stateDir: string, name: string, open: () => EventStream): Promise<void> {
  const early: LogRecord[] = [];
  let stream: EventStream | undefined;
  const forward = (record: LogRecord) => {
    if (stream === undefined) early.push(record);
    else if ('line' in record) stream.send('line', record.line);
    else stream.send('dropped', record.dropped);
  };
  const log = await followInstanceLog(stateDir, name, { lines: backlogLines }, forward);
  const opened = open();
  opened.send('ready', name);
  stream = opened;
  for (const record of early.splice(0)) forward(record);
  void opened.closed.then(() => log.close());
  void log.ended.then(() => opened.close());
}
