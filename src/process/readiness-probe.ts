import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';

const loopback = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * One GET; resolves the status code, or an error message when there was no answer. A self-signed
 * certificate (WSO2's default keystore) is accepted on loopback only.
 */
export function httpStatus(
  url: string,
  timeoutMs: number,
  agents?: HealthAgents,
): Promise<{ status?: number; error?: string }> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const client = secure ? https : http;
  const agent = agents ? (secure ? agents.https : agents.http) : false;
  return new Promise((resolve) => {
    const request = client.get(
      target,
      {
        timeout: timeoutMs,
        rejectUnauthorized: !loopback.has(target.hostname),
        agent,
        ...(secure && { secureContext: sharedSecureContext() }),
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ error: error.message }));
  });
}

let secureContext: SecureContext | undefined;

/**
 * Made once: each new TLS context loads the whole root certificate store, ~10 ms of CPU, and twenty API-Ms
 * polled for readiness at start-up would pay it on every probe.
 */
export function sharedSecureContext(): SecureContext {
  secureContext ??= createSecureContext();
  return secureContext;
}

/**
 * One connection kept open per instance and scheme, reused from check to check: a health check every few
 * seconds for twenty instances then costs no new TCP (or TLS) handshake each time.
 */
export interface HealthAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  destroy(): void;
}

export function healthAgents(): HealthAgents {
  const options = { keepAlive: true, maxSockets: 1, keepAliveMsecs: 1000 };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  const destroy = () => {
    agents.http.destroy();
    agents.https.destroy();
  };
  return { ...agents, destroy };
}

/** Whether something accepts TCP connections on a loopback port. */
export function acceptsConnections(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
