import { connect } from 'node:net';
import { buildHeader } from '../build-id.js';

/** A whole answer: its status, its body, and the build of the daemon that gave it, when it names one. */
export interface SocketAnswer {
  readonly status: number;
  readonly body: string;
  readonly build?: string;
}

/** How an exchange on the control socket failed. */
export type ExchangeFailure =
  /** Nobody could be reached on the socket: `code` is the connect error's (ENOENT, ECONNREFUSED, EACCES...). */
  | { readonly kind: 'unreachable'; readonly code: string }
  /** Connected, then the supervisor went away before its whole answer. */
  | { readonly kind: 'went-away' }
  /** No whole answer within the time allowed, or aborted. */
  | { readonly kind: 'not-answering' };

export class ExchangeError extends Error {
  constructor(readonly failure: ExchangeFailure) {
    super(failure.kind);
  }
}

/**
 * One HTTP/1.1 request on the supervisor's Unix socket, on a connection of its own (`Connection: close`),
 * and its answer read to the end: the status and the body. Written on node:net rather than node:http
 * because a command's whole run is a few of these, and loading the HTTP client cost ~15 ms of every
 * `status` (issue 17). The server is Node's own HTTP server; its answer has a Content-Length or is
 * chunked, and both are read.
 */
export function exchangeOnSocket(
  socketPath: string,
  request: { method: 'GET' | 'POST'; route: string; body?: string },
  limits: { timeoutMs?: number; signal?: AbortSignal },
): Promise<SocketAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let connected = false;
    let settled = false;
    const fail = (failure: ExchangeFailure) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new ExchangeError(failure));
    };
    const abort = () => fail({ kind: 'not-answering' });
    if (limits.signal?.aborted) return abort();
    limits.signal?.addEventListener('abort', abort, { once: true });
    if (limits.timeoutMs !== undefined) socket.setTimeout(limits.timeoutMs, abort);
    socket.once('connect', () => {
      connected = true;
      const body = request.body ?? '';
      // Not half-closed after the request: the server closes once it has answered (Connection: close).
      socket.write(
        `${request.method} ${request.route} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(connected ? { kind: 'went-away' } : { kind: 'unreachable', code: error.code ?? error.message }),
    );
    socket.once('end', () => {
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer === undefined) return fail({ kind: 'went-away' });
      settled = true;
      limits.signal?.removeEventListener('abort', abort);
      socket.destroy();
      resolve(answer);
    });
  });
}

/** A whole HTTP answer: undefined when it was cut off. */
export function parseAnswer(bytes: Buffer): SocketAnswer | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers = new Map(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  const rest = bytes.subarray(headEnd + 4);
  const body = headers.get('transfer-encoding')?.toLowerCase() === 'chunked' ? unchunk(rest) : rest;
  if (body === undefined) return undefined;
  const length = headers.get('content-length');
  if (length !== undefined && body.length !== Number(length)) return undefined;
  const build = headers.get(buildHeader);
  return { status, body: body.toString('utf8'), ...(build !== undefined && { build }) };
}

/** A chunked body decoded; undefined when its last chunk is missing. */
function unchunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  for (let at = 0; ; ) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size > bytes.length) return undefined;
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}
