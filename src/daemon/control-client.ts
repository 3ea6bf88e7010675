import path from 'node:path';
import type * as z from 'zod/mini';
import { buildId } from '../build-id.js';
import { ControlRequestError, exitCodes, NoSupervisorError, SupervisorGoneError } from '../errors.js';
import type {
  ActionAnswer,
  ControlAction,
  ReloadAnswer,
  ReloadRequest,
  Selection,
  StatusAnswer,
} from './control-protocol.js';
import { protocolVersion, socketName } from './control-socket.js';
import { ExchangeError, exchangeOnSocket } from './socket-exchange.js';

/** The schemas (control-protocol.ts), loaded only to check an answer from a daemon of another build. */
type Protocol = typeof import('./control-protocol.js');

/** A status (or a watchdog's ping) must be answered this fast, however busy the supervisor is. */
const answerWithinMs = 10_000;
/** While a start, stop, restart or reload is carried out (minutes, for a slow start), the supervisor is pinged this often. */
const pingEveryMs = 5_000;

/** How an exchange failed after it reached the supervisor. */
class Interrupted extends Error {
  constructor(readonly how: 'went-away' | 'not-answering') {
    super(how);
  }
}

/**
 * One request on the control socket, its answer checked against its schema (control-protocol.ts). A
 * supervisor that is not there is a NoSupervisorError (exit 4); one that goes away or stops answering
 * meanwhile, a SupervisorGoneError (exit 4) saying so; a refusal, a ControlRequestError with the
 * supervisor's facts; an answer that does not fit, a ControlRequestError saying the versions differ.
 * `long`: the request waits for instances to settle, so it has no deadline of its own, and a watchdog
 * pings the supervisor meanwhile instead.
 */
async function request<T>(
  stateDir: string,
  method: 'GET' | 'POST',
  route: string,
  schemaOf: (protocol: Protocol) => z.ZodMiniType<T>,
  body?: unknown,
  long = false,
): Promise<T> {
  const started = Date.now();
  let reply: Reply;
  try {
    const target = `/${protocolVersion}/${route}`;
    reply = long
      ? await withWatchdog(stateDir, (signal) => exchange(stateDir, method, target, body, { signal }))
      : await exchange(stateDir, method, target, body, { timeoutMs: answerWithinMs });
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    const now = await exchange(stateDir, 'GET', `/${protocolVersion}/status`, undefined, { timeoutMs: 2000 })
      .then(({ document }) => pidOf(document))
      .catch(() => undefined);
    throw new SupervisorGoneError(stateDir, `${method} ${route}`, error.how, Date.now() - started, now);
  }
  const { status, document, build } = reply;
  if (status >= 400) throw refusalOf(status, document);
  if (buildId !== undefined && build === buildId) return document as T;
  const answer = schemaOf(await import('./control-protocol.js')).safeParse(document);
  if (!answer.success) {
    throw new ControlRequestError(
      `the supervisor's answer to ${route} does not fit this CLI's protocol (is it another version of wso2-supervisor?): ${answer.error.issues[0]?.message}`,
      exitCodes.operationFailed,
      { route },
    );
  }
  return answer.data;
}

/**
 * The supervisor's refusal of a request (an HTTP status of 400 or more), with its facts: an errorAnswer
 * (control-protocol.ts), checked by hand so that a refusal does not load the schemas.
 */
export function refusalOf(status: number, document: unknown): ControlRequestError {
  const refusal = document as Record<string, unknown> | undefined;
  const fits =
    typeof refusal === 'object' &&
    refusal !== null &&
    refusal.ok === false &&
    typeof refusal.error === 'string' &&
    typeof refusal.message === 'string';
  const {
    ok: _ok,
    error,
    message,
    ...facts
  } = fits
    ? (refusal as { ok: false; error: string; message: string })
    : { ok: false, error: 'internal', message: `the supervisor answered HTTP ${status}` };
  const exitCode = status >= 500 ? exitCodes.operationFailed : exitCodes.usage;
  return new ControlRequestError(message, exitCode, { kind: error, ...facts });
}

/** Runs a long exchange while pinging the supervisor; a ping it fails ends the exchange as interrupted. */
async function withWatchdog<T>(stateDir: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const watchdog = new Promise<never>((_, reject) => {
    const ping = () => {
      exchange(stateDir, 'GET', `/${protocolVersion}/status`, undefined, { timeoutMs: answerWithinMs })
        .then(() => {
          // A ping still out when the request ended must not arm another one (the CLI could never exit).
          if (!finished) timer = setTimeout(ping, pingEveryMs);
        })
        .catch((error: unknown) => {
          if (finished) return;
          controller.abort();
          reject(error instanceof NoSupervisorError ? new Interrupted('went-away') : error);
        });
    };
    timer = setTimeout(ping, pingEveryMs);
  });
  try {
    return await Promise.race([run(controller.signal), watchdog]);
  } finally {
    finished = true;
    clearTimeout(timer);
    controller.abort();
    watchdog.catch(() => {});
  }
}

interface Reply {
  readonly status: number;
  readonly document: unknown;
  readonly build: string | undefined;
}

/** The supervisor pid an answer names, if it is one. */
function pidOf(document: unknown): number | undefined {
  const pid = (document as { supervisorPid?: unknown } | undefined)?.supervisorPid;
  return Number.isSafeInteger(pid) ? (pid as number) : undefined;
}

async function exchange(
  stateDir: string,
  method: 'GET' | 'POST',
  route: string,
  body: unknown,
  limits: { timeoutMs?: number; signal?: AbortSignal },
): Promise<Reply> {
  const socket = path.join(stateDir, socketName);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  try {
    const answer = await exchangeOnSocket(
      socket,
      { method, route, ...(payload !== undefined && { body: payload }) },
      limits,
    );
    return { status: answer.status, document: parsed(answer.body), build: answer.build };
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    const { failure } = error;
    if (failure.kind !== 'unreachable') throw new Interrupted(failure.kind);
    // Never connected: nobody listens (no supervisor), or the socket cannot be reached at all.
    if (failure.code === 'ENOENT' || failure.code === 'ECONNREFUSED') throw new NoSupervisorError(stateDir);
    throw new ControlRequestError(
      `cannot connect to the supervisor's socket ${socket} (${failure.code}): it may belong to another user`,
      exitCodes.operationFailed,
      { socket, code: failure.code },
    );
  }
}

/**
 * The running supervisor's status, or nothing when no supervisor answers for this state folder. With
 * `after` (an answer's `changes`), the answer comes once something has changed since (or after a second).
 */
export async function supervisorStatus(stateDir: string, after?: number): Promise<StatusAnswer | undefined> {
  try {
    const route = after === undefined ? 'status' : `status?after=${after}`;
    return await request(stateDir, 'GET', route, (p) => p.statusAnswerSchema);
  } catch (error) {
    if (error instanceof NoSupervisorError) return undefined;
    throw error;
  }
}

/** Starts, stops or restarts instances; resolves once they have settled. */
export function controlInstances(
  stateDir: string,
  action: ControlAction,
  selection: Selection,
): Promise<ActionAnswer> {
  return request(stateDir, 'POST', action, (p) => p.actionAnswerSchema, selection, true);
}

export function reloadManifest(stateDir: string, body: ReloadRequest = {}): Promise<ReloadAnswer> {
  return request(stateDir, 'POST', 'reload', (p) => p.reloadAnswerSchema, body, true);
}

export async function requestDown(stateDir: string): Promise<void> {
  await request(stateDir, 'POST', 'down', (p) => p.downAnswerSchema, {});
}

export function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
