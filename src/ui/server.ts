import { chmod, lstat, unlink } from 'node:fs/promises';
import http from 'node:http';
import { connect } from 'node:net';
import { UsageError } from '../errors.js';
import { carryOut } from './actions.js';
import { pageHtml } from './assets/page-html.js';
import { pageScript } from './assets/page-script.js';
import { pageStyle } from './assets/page-style.js';
import { EventStream } from './event-stream.js';
import { type GateConfig, judge } from './gate.js';
import { securityHeaders } from './headers.js';
import { feedLog } from './log-feed.js';
import { refusalOf } from './refusals.js';
import type { Route } from './routes.js';
import { loopbackHostNames } from './security.js';
import { StatusFeed } from './status-feed.js';

/** Where the ui process listens: a TCP address and port (0: any free one), or a Unix socket. */
export type UiListen =
  | { readonly kind: 'tcp'; readonly address: string; readonly port: number }
  | { readonly kind: 'socket'; readonly path: string };

export interface UiServerOptions {
  readonly stateDir: string;
  readonly token: string;
  readonly listen: UiListen;
  /** Host names answered besides the loopback ones (a forced non-loopback address). */
  readonly extraHostNames?: readonly string[];
}

export interface UiServer {
  /** The TCP port it listens on; undefined on a Unix socket. */
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** Event streams (the fleet's and logs') served at once; more are answered 503. */
const maxStreams = 32;
/** An action's body is one instance name. */
const maxBodyBytes = 4096;

const assets: Readonly<Record<string, { type: string; body: Buffer }>> = {
  page: { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml) },
  script: { type: 'text/javascript; charset=utf-8', body: Buffer.from(pageScript) },
  style: { type: 'text/css; charset=utf-8', body: Buffer.from(pageStyle) },
};

/**
 * The ui process's HTTP server: every request is judged by the gate (gate.ts) before anything is read or
 * served; what passes is served from memory or asked of the supervisor over its control socket.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const { stateDir } = options;
  const feed = new StatusFeed(stateDir);
  let streams = 0;
  let gate: GateConfig | undefined;
  const server = http.createServer((request, response) => {
    if (gate === undefined) return void response.destroy();
    const verdict = judge(request, gate);
    if (verdict.kind === 'refuse') {
      const allow = verdict.allow === undefined ? {} : { allow: verdict.allow };
      return sendJson(response, verdict.status, { ok: false, message: verdict.message }, allow);
    }
    if (verdict.kind === 'exchange') {
      response.writeHead(303, {
        ...securityHeaders,
        location: verdict.location,
        'set-cookie': verdict.cookie,
      });
      return void response.end();
    }
    serve(verdict.route, request, response).catch((error: unknown) => {
      const { status, message } = refusalOf(error);
      if (status === 500) console.error(`wso2-supervisor ui: ${String((error as Error)?.stack ?? error)}`);
      sendJson(response, status, { ok: false, message });
    });
  });

  /** Counts an event stream until it closes; false (answered 503) when there are too many. */
  function takeStream(response: http.ServerResponse): boolean {
    if (streams >= maxStreams) {
      sendJson(response, 503, { ok: false, message: 'too many pages open' });
      return false;
    }
    streams++;
    response.once('close', () => streams--);
    return true;
  }

  async function serve(route: Route, request: http.IncomingMessage, response: http.ServerResponse) {
    switch (route.kind) {
      case 'page':
      case 'script':
      case 'style': {
        const asset = assets[route.kind] as { type: string; body: Buffer };
        response.writeHead(200, { ...securityHeaders, 'content-type': asset.type });
        return void response.end(asset.body);
      }
      case 'icon':
        response.writeHead(204, securityHeaders);
        return void response.end();
      case 'status':
        return sendJson(response, 200, await feed.read());
      case 'events':
        if (!takeStream(response)) return;
        return feed.watch(new EventStream(response, securityHeaders));
      case 'log':
        if (!takeStream(response)) return;
        return feedLog(stateDir, route.name, () => new EventStream(response, securityHeaders));
      case 'action': {
        const body = await readJson(request);
        if (body === tooLarge)
          return sendJson(response, 413, { ok: false, message: 'the body is too large' });
        void feed.read(); // the pages see the change begin at once, not up to a second later
        const { status, answer } = await carryOut(stateDir, route.action, body);
        void feed.read();
        return sendJson(response, status, answer);
      }
    }
  }

  const port = await listen(server, options.listen);
  gate = {
    token: options.token,
    port,
    hostNames: [...loopbackHostNames, ...(options.extraHostNames ?? [])],
    // Cookies are not kept apart by port: each ui process (one per state folder) has a cookie of its own.
    cookieName: port === undefined ? 'wso2ui' : `wso2ui_${port}`,
  };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        feed.close();
        server.close(() => resolve());
        server.closeAllConnections();
        if (options.listen.kind === 'socket') void unlink(options.listen.path).catch(() => undefined);
      }),
  };
}

/** Listens; a Unix socket is made 0600 (created so: never briefly open to others) after a stale one goes. */
async function listen(server: http.Server, where: UiListen): Promise<number | undefined> {
  const bind = (target: () => void) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      target();
      server.once('listening', () => {
        server.off('error', reject);
        resolve();
      });
    });
  if (where.kind === 'tcp') {
    await bind(() => server.listen(where.port, where.address));
    return (server.address() as { port: number }).port;
  }
  if (await answers(where.path)) throw new Error(`something already answers on ${where.path}`);
  // Only a stale socket goes: a file given by mistake (`--socket instances.json`) is never deleted.
  const existing = await lstat(where.path).catch(() => undefined);
  if (existing !== undefined && !existing.isSocket())
    throw new UsageError(`--socket ${where.path}: a file that is not a socket is there; name another path.`);
  if (existing !== undefined) await unlink(where.path);
  const umask = process.umask(0o077);
  try {
    await bind(() => server.listen(where.path));
  } finally {
    process.umask(umask);
  }
  await chmod(where.path, 0o600);
  return undefined;
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  extra: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { ...securityHeaders, ...extra, 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}

const tooLarge = Symbol('too large');

/** The request's JSON body (undefined when it is not JSON), read up to maxBodyBytes. */
function readJson(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) resolve(tooLarge);
      else chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
    request.on('error', () => resolve(undefined));
  });
}
