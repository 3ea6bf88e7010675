import http from 'node:http';
import path from 'node:path';
import { NoSupervisorError } from '../errors.js';
import { parsed, refusalOf } from './control-client.js';
import {
  type LogRecord,
  type LogStreamQuery,
  logRecordSchema,
  protocolVersion,
  socketName,
} from './control-protocol.js';

/** A log stream the supervisor accepted: `ended` resolves once it is over (the supervisor went, or close()). */
export interface LogStream {
  readonly ended: Promise<void>;
  close(): void;
}

/** A record longer than this is not the protocol's (a line is cut at 64 KiB, six bytes a character at most). */
const maxRecordBytes = 512 * 1024;

/**
 * Follows an instance's captured output through the supervisor (`GET /v1/logs/<name>`), each record checked
 * against its schema (one that does not fit is skipped). Resolves once the supervisor has accepted the
 * stream; a refusal (an unknown instance, a bad query) is a ControlRequestError with its facts, no
 * supervisor a NoSupervisorError, as for any request.
 */
export function followInstanceLog(
  stateDir: string,
  name: string,
  query: LogStreamQuery,
  onRecord: (record: LogRecord) => void,
): Promise<LogStream> {
  const search = new URLSearchParams(
    Object.entries(query).map(([key, value]) => [key, String(value)] as [string, string]),
  );
  const route = `/${protocolVersion}/logs/${encodeURIComponent(name)}?${search}`;
  const controller = new AbortController();
  return new Promise((resolve, reject) => {
    const outgoing = http.get(
      { socketPath: path.join(stateDir, socketName), agent: false, path: route, signal: controller.signal },
      (response) => {
        const chunks: string[] = [];
        response.setEncoding('utf8');
        response.on('error', () => {}); // a stream cut off, by close() or by the supervisor: it is over
        if (response.statusCode !== 200) {
          response.on('data', (chunk: string) => chunks.push(chunk));
          response.on('end', () => reject(refusalOf(response.statusCode ?? 500, parsed(chunks.join('')))));
          return;
        }
        let partial = ''; // the record under way
        response.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          if (partial.length > maxRecordBytes) controller.abort();
          for (const line of lines) {
            const record = logRecordSchema.safeParse(parsed(line));
            if (record.success) onRecord(record.data);
          }
        });
        const ended = new Promise<void>((done) => response.once('close', done));
        resolve({ ended, close: () => controller.abort() });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new NoSupervisorError(stateDir));
      else reject(error);
    });
  });
}
