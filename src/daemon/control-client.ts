import http from 'node:http';
import path from 'node:path';
import { exitCodes, SupervisorError } from '../errors.js';
import type { Usage } from '../process/tree-usage.js';
import type { InstanceSnapshot } from '../state/instance-record.js';
import { socketName } from './control-protocol.js';

export class NoSupervisorError extends SupervisorError {
  readonly exitCode = exitCodes.noSupervisor;
  override readonly name = 'NoSupervisorError';
  constructor(readonly stateDir: string) {
    super(`no supervisor is running for ${stateDir}. Start one with: wso2-supervisor up -d`);
  }
  toJSON() {
    return { error: 'no-supervisor', message: this.message, stateDir: this.stateDir };
  }
}

/** The supervisor refused a request (an unknown instance, a bad body): a usage error for the CLI. */
export class ControlRequestError extends SupervisorError {
  readonly exitCode = exitCodes.usage;
  override readonly name = 'ControlRequestError';
  toJSON() {
    return { error: 'request', message: this.message };
  }
}

/** One request on the control socket; a supervisor that is not there is a NoSupervisorError (exit 4). */
export function controlRequest(
  stateDir: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath: path.join(stateDir, socketName),
        method,
        path: route,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let parsed: { ok?: boolean; message?: string };
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new Error(`the supervisor answered ${response.statusCode} with no JSON`));
          }
          if ((response.statusCode ?? 500) >= 400) {
            const message = parsed.message ?? `HTTP ${response.statusCode}`;
            return reject(
              response.statusCode === 500 ? new Error(message) : new ControlRequestError(message),
            );
          }
          resolve(parsed);
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const absent = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      reject(absent ? new NoSupervisorError(stateDir) : error);
    });
    request.end(payload);
  });
}

/** What `GET /v1/status` answers (see control-protocol.ts). */
export interface SupervisorStatus {
  readonly supervisorPid: number;
  readonly stateDir: string;
  readonly instances: Record<string, InstanceSnapshot>;
  readonly usage: Record<string, Usage>;
}

/** The running supervisor's status, or nothing when no supervisor answers for this state folder. */
export async function supervisorStatus(stateDir: string): Promise<SupervisorStatus | undefined> {
  try {
    return (await controlRequest(stateDir, 'GET', '/v1/status')) as SupervisorStatus;
  } catch (error) {
    if (error instanceof NoSupervisorError) return undefined;
    throw error;
  }
}
