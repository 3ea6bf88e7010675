import { open } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { followLog } from '../capture/log-tail.js';
import { type LogStreamQuery, logStreamQuerySchema, maxLogStreams } from './control-protocol.js';
import { RequestError } from './request-error.js';

/** `GET /v1/logs/<name>`, any query: the name and the query are judged by streamLog. */
export const logStreamRoute = /^\/v1\/logs\/[^/?]*(\?.*)?$/;
/** What a log stream may hold unsent before lines are dropped (and counted) for a reader that cannot keep up. */
const maxUnsentBytes = 1024 * 1024;

/**
 * `GET /v1/logs/<name>`: the instance's captured output, one logRecord a line, until the client goes or the
 * supervisor stops. Refused before anything is sent: a name that is not an instance's (no path is ever made
 * of anything else), a bad query, too many streams at once.
 */
export async function streamLog(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  fleet: { readonly names: readonly string[]; readonly stateDir: string },
  streams: Set<http.ServerResponse>,
): Promise<void> {
  const [route = '', search = ''] = (request.url ?? '').split('?', 2);
  const name = route.slice('/v1/logs/'.length);
  const known = fleet.names;
  if (request.method !== 'GET' || !known.includes(name))
    throw new RequestError(404, `no instance named "${name}"`, 'unknown-instance', { names: [name], known });
  const query = logStreamQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(search)));
  if (!query.success) throw new RequestError(400, 'the query must be empty, lines=N or from=BYTES');
  if (streams.size >= maxLogStreams) throw new RequestError(503, 'too many log streams', 'busy');
  const file = path.join(fleet.stateDir, 'logs', `${name}.log`);
  // Counted and watched for its end before anything is awaited: a client gone meanwhile frees its slot.
  streams.add(response);
  const closed = new Promise((resolve) => response.once('close', resolve));
  try {
    const start = await streamStart(file, query.data);
    if (response.destroyed) return;
    response
      .writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' })
      .flushHeaders();
    let dropped = 0;
    const follower = followLog(file, {
      ...start,
      onLine: (line) => {
        if (response.writableLength > maxUnsentBytes) return void dropped++;
        if (dropped > 0) response.write(`${JSON.stringify({ dropped })}\n`);
        dropped = 0;
        response.write(`${JSON.stringify({ line })}\n`);
      },
    });
    await closed;
    follower.stop();
  } finally {
    streams.delete(response);
  }
}

type FollowStart = { fromOffset: number; inode?: number };
/** Where a stream begins (logStreamQuerySchema): a log not there yet is followed from its beginning. */
async function streamStart(file: string, query: LogStreamQuery): Promise<FollowStart> {
  if ('from' in query) return { fromOffset: query.from };
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return { fromOffset: 0 };
  try {
    const { ino: inode, size } = await handle.stat();
    const lines = 'lines' in query ? query.lines : 0;
    // The newlines (0x0a) before the last lines, in the last KiB per line asked for (WSO2's are shorter).
    const length = Math.min(size, lines * 1024);
    const tail = Buffer.alloc(length);
    const { bytesRead } = await handle.read(tail, 0, length, size - length);
    let found = 0;
    for (let k = bytesRead - 2; k >= 0; k--)
      if (tail[k] === 0x0a && ++found === lines) return { inode, fromOffset: size - length + k + 1 };
    // Fewer lines in the window: from the first whole one (the start, when the window is the whole file).
    return { inode, fromOffset: length === size ? 0 : size - length + tail.indexOf(0x0a) + 1 };
  } finally {
    await handle.close().catch(() => {});
  }
}
