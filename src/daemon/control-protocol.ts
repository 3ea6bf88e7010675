import * as z from 'zod/mini';
import { instanceRecordSchema } from '../state/instance-record.js';

/**
 * The control channel between the CLI and a running supervisor: HTTP/1.1 with JSON bodies over a Unix
 * domain socket, `<stateDir>/supervisor.sock` (mode 0600 in a 0700 folder: only the owner can connect;
 * there is no TCP listener). The version is in every path; each body and answer has its schema here, used
 * by the server, the client, the CLI and the tests alike. Requests:
 *
 *   GET  /v1/status[?after=N]                         -> statusAnswer   (with `after`: once the fleet has
 *                                                        changed more than N times, or after a second)
 *   POST /v1/start | /v1/stop | /v1/restart  selection -> actionAnswer   (after they have settled)
 *   POST /v1/reload        reloadRequest              -> reloadAnswer
 *   POST /v1/down                                     -> { ok }  then every instance stops and the supervisor exits
 *   GET  /v1/logs/<name>[?lines=N | ?from=BYTES]      -> a stream of logRecord, one JSON document a line,
 *                                                        until the client goes (see logStreamQuerySchema)
 *
 * Errors answer errorAnswer with 400 (bad request), 404, 413 (over 64 KiB), 503 (too many log streams) or 500. No request can run a
 * command of its own: they name instances of the manifest, nothing else.
 */
export { protocolVersion, socketName } from './control-socket.js';
export const maxRequestBytes = 64 * 1024;

export type ControlAction = 'start' | 'stop' | 'restart';
export const controlActions: readonly ControlAction[] = ['start', 'stop', 'restart'];

/** Which instances a start, stop or restart is for. */
export const selectionSchema = z.union([
  z.strictObject({ names: z.array(z.string()).check(z.minLength(1)) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type Selection = z.infer<typeof selectionSchema>;

export const usageSchema = z.object({ cpuPercent: z.number(), memoryBytes: z.number() });

export const statusAnswerSchema = z.object({
  ok: z.literal(true),
  supervisorPid: z.int(),
  stateDir: z.string(),
  instances: z.record(z.string(), instanceRecordSchema),
  /** CPU and memory of each running instance's process tree, sampled by the daemon (not for `after`). */
  usage: z.record(z.string(), usageSchema),
  /** How many times the fleet has changed: a follower asks for `after` it, and is answered at the next. */
  changes: z.optional(z.int()),
});
export type StatusAnswer = z.infer<typeof statusAnswerSchema>;

export const actionAnswerSchema = z.object({
  ok: z.literal(true),
  /** Where each instance asked for ended up once it settled. */
  instances: z.array(instanceRecordSchema),
  /** Dependencies a start started first (stopped, exited or failed ones), as `docker compose up X` does. */
  dependencies: z.array(instanceRecordSchema),
});
export type ActionAnswer = z.infer<typeof actionAnswerSchema>;

/** `replan`: automatic instances are placed afresh instead of keeping their offsets. */
export const reloadRequestSchema = z.strictObject({ replan: z.optional(z.boolean()) });
export type ReloadRequest = z.infer<typeof reloadRequestSchema>;

export const reloadAnswerSchema = z.object({
  ok: z.literal(true),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  retuned: z._default(z.array(z.string()), []),
  unchanged: z.array(z.string()),
});
export type ReloadAnswer = z.infer<typeof reloadAnswerSchema>;

export const downAnswerSchema = z.object({ ok: z.literal(true) });

/** A refusal: what was wrong as a sentence, and its facts as fields. */
export const errorAnswerSchema = z.looseObject({
  ok: z.literal(false),
  error: z.string(),
  message: z.string(),
});

/** The longest a status `after` waits for a change. */
export const changeWaitMs = 1000;

export const maxBacklogLines = 1000;
/**
 * Where a log stream begins in `<stateDir>/logs/<name>.log`: `lines`, that many last lines of the live file
 * (at most maxBacklogLines); `from`, a byte offset in it; neither, its end (only lines written from now on).
 * After that the stream follows the log across rotations (capture/log-tail.ts) until the client goes.
 */
export const logStreamQuerySchema = z.union([
  z.strictObject({ lines: z.coerce.number().check(z.int(), z.minimum(0), z.maximum(maxBacklogLines)) }),
  z.strictObject({
    from: z.coerce.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
  }),
  z.strictObject({}),
]);
export type LogStreamQuery = z.infer<typeof logStreamQuerySchema>;
/** Log streams one supervisor serves at once; more are refused with 503. */
export const maxLogStreams = 32;

/**
 * One record of a log stream: a line of the captured output (without its newline; a longer one is cut at
 * 64 KiB), or how many lines a reader too slow to keep up missed (the daemon never buffers without bound).
 */
export const logRecordSchema = z.union([
  z.strictObject({ line: z.string() }),
  z.strictObject({ dropped: z.int().check(z.positive()) }),
]);
export type LogRecord = z.infer<typeof logRecordSchema>;
