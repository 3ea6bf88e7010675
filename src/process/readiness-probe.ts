import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';

const loopback = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * One GET; resolves the status code, or an error message when there was no answer. A self-signed
 * certificate (WSO2's default keystore) is accepted on loopback only.
 */
export function httpStatus(url: string, timeoutMs: number): Promise<{ status?: number; error?: string }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.get(
      target,
      { timeout: timeoutMs, rejectUnauthorized: !loopback.has(target.hostname), agent: false },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ error: error.message }));
  });
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
