import http from 'node:http';
import path from 'node:path';
import type { z } from 'zod';
import { ControlRequestError, exitCodes, NoSupervisorError } from '../errors.js';
import {
  type ActionAnswer,
  actionAnswerSchema,
  type ControlAction,
  downAnswerSchema,
  errorAnswerSchema,
  protocolVersion,
  type ReloadAnswer,
  reloadAnswerSchema,
  type Selection,
  type StatusAnswer,
  socketName,
  statusAnswerSchema,
} from './control-protocol.js';

/**
 * One request on the control socket, its answer checked against its schema (control-protocol.ts). A
 * supervisor that is not there is a NoSupervisorError (exit 4); a refusal, a ControlRequestError with the
 * supervisor's facts; an answer that does not fit, a ControlRequestError saying the versions differ.
 */
async function request<T>(
  stateDir: string,
  method: 'GET' | 'POST',
  route: string,
  schema: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  const { status, document } = await exchange(stateDir, method, `/${protocolVersion}/${route}`, body);
  if (status >= 400) {
    const refusal = errorAnswerSchema.safeParse(document);
    const {
      ok: _ok,
      error,
      message,
      ...facts
    } = refusal.success
      ? refusal.data
      : { ok: false, error: 'internal', message: `the supervisor answered HTTP ${status}` };
    const exitCode = status >= 500 ? exitCodes.operationFailed : exitCodes.usage;
    throw new ControlRequestError(message, exitCode, { kind: error, ...facts });
  }
  const answer = schema.safeParse(document);
  if (!answer.success) {
    throw new ControlRequestError(
      `the supervisor's answer to ${route} does not fit this CLI's protocol (is it another version of wso2-supervisor?): ${answer.error.issues[0]?.message}`,
      exitCodes.operationFailed,
      { route },
    );
  }
  return answer.data;
}

function exchange(
  stateDir: string,
  method: 'GET' | 'POST',
  route: string,
  body: unknown,
): Promise<{ status: number; document: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
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
          let document: unknown;
          try {
            document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            document = undefined;
          }
          resolve({ status: response.statusCode ?? 500, document });
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const absent = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      reject(absent ? new NoSupervisorError(stateDir) : error);
    });
    outgoing.end(payload);
  });
}

/** The running supervisor's status, or nothing when no supervisor answers for this state folder. */
export async function supervisorStatus(stateDir: string): Promise<StatusAnswer | undefined> {
  try {
    return await request(stateDir, 'GET', 'status', statusAnswerSchema);
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
  return request(stateDir, 'POST', action, actionAnswerSchema, selection);
}

export function reloadManifest(stateDir: string): Promise<ReloadAnswer> {
  return request(stateDir, 'POST', 'reload', reloadAnswerSchema, {});
}

export async function requestDown(stateDir: string): Promise<void> {
  await request(stateDir, 'POST', 'down', downAnswerSchema, {});
}
