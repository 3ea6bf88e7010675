import http from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { SecureContext } from 'node:tls';

/**
 * node:https and node:tls, loaded on the first https check only: ~30 ms of a daemon's start-up and a few MB
 * of its memory that a fleet checked over plain HTTP or its log never needs (issue 17).
 */
const load = createRequire(import.meta.url);
const https = () => load('node:https') as typeof import('node:https');

/** How much of an answer's body is kept. */
const bodyExcerptChars = 512;

const loopback = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * One GET; resolves the status code, or an error message when there was no answer. A self-signed
 * certificate (WSO2's default keystore) is accepted on loopback only.
 */
export function httpStatus(
  url: string,
  timeoutMs: number,
  agents?: HealthAgents,
): Promise<{ status?: number; body?: string; error?: string }> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const client = secure ? https() : http;
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
        // The start of the body says why a check fails (MI names its faulty CApps): kept for the reason.
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < bodyExcerptChars) body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: body.slice(0, bodyExcerptChars) }),
        );
        response.on('error', () => resolve({ status: response.statusCode ?? 0, body }));
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
  secureContext ??= (load('node:tls') as typeof import('node:tls')).createSecureContext();
  return secureContext;
}

/**
 * One connection kept open per instance and scheme, reused from check to check: a health check every few
 * seconds for twenty instances then costs no new TCP (or TLS) handshake each time.
 */
export interface HealthAgents {
  readonly http: http.Agent;
  readonly https: HttpsAgent;
  destroy(): void;
}

export function healthAgents(): HealthAgents {
  const options = { keepAlive: true, maxSockets: 1, keepAliveMsecs: 1000 };
  const plain = new http.Agent(options);
  let secure: HttpsAgent | undefined;
  return {
    http: plain,
    get https() {
      secure ??= new (https().Agent)(options);
      return secure;
    },
    destroy: () => {
      plain.destroy();
      secure?.destroy();
    },
  };
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
