import { chmod, unlink } from 'node:fs/promises';
import http from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { buildHeader, buildId } from '../build-id.js';
import { SupervisorError } from '../errors.js';
import { RecentUsage } from '../process/recent-usage.js';
import type { Fleet } from '../supervisor/fleet.js';
import { settledIn } from '../supervisor/fleet-settled.js';
import { ChangeCount } from './change-count.js';
import {
  type ControlAction,
  changeWaitMs,
  controlActions,
  maxRequestBytes,
  type ReloadRequest,
  reloadRequestSchema,
  selectionSchema,
  socketName,
} from './control-protocol.js';
import { logStreamRoute, streamLog } from './log-stream.js';
import { RequestError } from './request-error.js';
import { RequestLanes } from './request-lanes.js';
import { cutOffSlowClients } from './slow-clients.js';

export interface ControlServerOptions {
  readonly stateDir: string;
  readonly fleet: Fleet;
  readonly log: Logger;
  readonly onDown: () => void;
  /** Re-reads and applies the manifest; throws a SupervisorError (bad manifest, port problems) to refuse. */
  readonly reload: (request: ReloadRequest) => Promise<unknown>;
  /**
   * Settles once the autostart instances have been asked to start: no answer comes before, so that the
   * first status `up -d` sees shows them on their way, not `stopped`.
   */
  readonly started?: Promise<void>;
}

/** Serves the control channel (see control-protocol.ts) until closed. */
export async function startControlServer(options: ControlServerOptions): Promise<{ close(): Promise<void> }> {
  const socket = path.join(options.stateDir, socketName);
  const lanes = new RequestLanes();
  const changes = new ChangeCount(options.fleet);
  const recentUsage = new RecentUsage();
  const logStreams = new Set<http.ServerResponse>();
  await chmod(options.stateDir, 0o700);
  await removeStaleSocket(socket);
  const server = http.createServer((request, response) => {
    const answered = logStreamRoute.test(request.url ?? '')
      ? streamLog(request, response, { names: options.fleet.names, stateDir: options.stateDir }, logStreams)
      : handle(request, options, lanes, changes, recentUsage).then((body) => reply(response, 200, body));
    answered.catch((error: unknown) => {
      const status = error instanceof RequestError ? error.status : 500;
      if (status === 500)
        options.log.error({ event: 'control-error', error: String(error) }, 'control request failed');
      const refusal = error instanceof RequestError ? error : undefined;
      reply(response, status, {
        ...refusal?.facts,
        ok: false,
        error: refusal?.kind ?? 'internal',
        message: String((error as Error).message),
      });
    });
  });
  // Slow or stuck clients are cut off, and never hold the supervisor up.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  cutOffSlowClients(server, server.headersTimeout, server.requestTimeout);
  const umask = process.umask(0o077); // the socket is created 0600, never briefly open to others
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, resolve);
    });
  } finally {
    process.umask(umask);
  }
  await chmod(socket, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        void unlink(socket).catch(() => undefined);
      }),
  };
}

async function handle(
  request: http.IncomingMessage,
  options: ControlServerOptions,
  lanes: RequestLanes,
  changes: ChangeCount,
  recentUsage: RecentUsage,
): Promise<unknown> {
  const { fleet } = options;
  await options.started;
  const route = `${request.method} ${request.url}`;
  const after = /^GET \/v1\/status\?after=(\d+)$/.exec(route)?.[1];
  if (after !== undefined) {
    await changes.after(Number(after), changeWaitMs);
    await fleet.persisted();
    return { ...statusOf(options), usage: {}, changes: changes.count };
  }
  if (route === 'GET /v1/status') {
    // The writers' reports are read afresh: a capture that began failing a second ago shows.
    await Promise.all([...fleet.runners.values()].map((runner) => runner.checkCapture()));
    await fleet.persisted();
    const instances = fleet.snapshot();
    // Sampled here, in the long-lived daemon: tree-usage.ts keeps each pid's last reading, so CPU is current.
    const pgids = Object.values(instances).flatMap((i) => (i.pgid === undefined ? [] : [i.pgid]));
    // Usage is a nicety: failing to sample it must never fail a status.
    const byGroup = await recentUsage.of(pgids).catch(() => new Map<number, never>());
    const usage = Object.fromEntries(
      Object.values(instances).flatMap((i) => {
        const found = i.pgid === undefined ? undefined : byGroup.get(i.pgid);
        return found ? [[i.name, found]] : [];
      }),
    );
    return { ...statusOf(options), instances, usage, changes: changes.count };
  }
  if (route === 'POST /v1/reload') {
    const body = reloadRequestSchema.safeParse(await readBody(request));
    if (!body.success) throw new RequestError(400, 'the body must be {} or {"replan": true}');
    // A reload may touch any instance: it waits for every request in flight, and they for it.
    return lanes.run([reloadLane, ...fleet.names], async () => {
      try {
        return { ok: true, ...((await options.reload(body.data)) as object) };
      } catch (error) {
        if (error instanceof SupervisorError) {
          const { error: kind, message: _message, ...facts } = error.toJSON();
          throw new RequestError(400, error.message, String(kind), facts);
        }
        throw error;
      }
    });
  }
  if (route === 'POST /v1/down') {
    await readBody(request);
    setImmediate(options.onDown);
    return { ok: true };
  }
  const action = /^POST \/v1\/(\w+)$/.exec(route)?.[1] as ControlAction | undefined;
  if (action === undefined || !controlActions.includes(action))
    throw new RequestError(404, `no such request: ${route}`);
  const names = namesOf(await readBody(request), fleet.names);
  options.log.info({ event: 'control', action, instances: names }, 'control request');
  // Requests on the same instances in the order they came, each carried through (twenty concurrent
  // restarts of one instance are twenty restarts in turn, each answering with where it left it); requests
  // on other instances do not wait. A start may start dependencies: their lanes are taken too.
  const involved = action === 'stop' ? names : fleet.withDependencies(names);
  return lanes.run(involved, async () => {
    let dependencies: string[] = [];
    if (action === 'stop') await fleet.stop(names);
    else {
      if (action === 'restart') await fleet.stop(names);
      dependencies = fleet.start(names);
      // Each start is bounded by its own startTimeoutSeconds; a chain by the sum of its members'.
      const started = [...dependencies, ...names];
      await settledIn(fleet, started, fleet.startTimeoutMs(started) + 5_000);
    }
    const snapshot = fleet.snapshot();
    return {
      ok: true,
      instances: names.map((name) => snapshot[name]),
      dependencies: dependencies.map((name) => snapshot[name]),
    };
  });
}

function statusOf({ fleet, stateDir }: ControlServerOptions) {
  return { ok: true, supervisorPid: process.pid, stateDir, instances: fleet.snapshot() };
}

/** The lane of reloads, apart from any instance name (names are `[a-z0-9][a-z0-9_-]*`). */
const reloadLane = '*reload';

function namesOf(body: unknown, known: readonly string[]): string[] {
  const parsed = selectionSchema.safeParse(body);
  if (!parsed.success) throw new RequestError(400, 'the body must be {"names": [...]} or {"all": true}');
  if ('all' in parsed.data) return [...known];
  const unknown = parsed.data.names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new RequestError(
      400,
      `no instance named ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${known.join(', ')}`,
      'unknown-instance',
      { names: unknown, known },
    );
  }
  return [...new Set(parsed.data.names)];
}

function readBody(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBytes) {
        reject(new RequestError(413, `a request may hold at most ${maxRequestBytes} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new RequestError(400, 'the body is not JSON'));
      }
    });
    // Only the connection fails a request stream (the client went away mid-body, or was cut off): the
    // client's failure, answered as such, not an internal error of the supervisor.
    request.on('error', () => reject(new RequestError(400, 'the request was cut off before its end')));
  });
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(buildId !== undefined && { [buildHeader]: buildId }),
  });
  response.end(text);
}

/** A socket file left by a supervisor that died: nobody answers on it, so it goes. */
async function removeStaleSocket(socket: string): Promise<void> {
  const answers = await new Promise<boolean>((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (answers) throw new Error(`another supervisor answers on ${socket}`);
  await unlink(socket).catch(() => undefined);
}
