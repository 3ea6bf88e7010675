import { z } from 'zod';

/**
 * One instance as the supervisor knows it: what state.json keeps for a re-adopting supervisor, what
 * `GET /v1/status` answers and what `status --json` builds on. One schema, so the daemon, the client, the
 * CLI and the tests share its types, and a record written by another version is checked, not trusted.
 */

export const instanceStates = [
  'stopped',
  'waiting',
  'starting',
  'running',
  'stopping',
  'backoff',
  'failed',
  'exited',
] as const;
export type InstanceState = (typeof instanceStates)[number];

const holder = z.object({ pid: z.number().int(), command: z.string() });

/** A health or readiness check's last answer: a status code (and the start of its body), or no answer. */
export const answerSchema = z.object({
  status: z.number().int().optional(),
  body: z.string().optional(),
  error: z.string().optional(),
});
export type Answer = z.infer<typeof answerSchema>;

/**
 * What an instance waits for, as facts; `describeWait` (supervisor/wait.ts) makes the sentence. `since` is
 * when this wait began (epoch ms).
 */
export const waitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dependency'), since: z.number(), on: z.string(), state: z.string() }),
  z.object({ kind: z.literal('launching'), since: z.number() }),
  z.object({ kind: z.literal('ready-line'), since: z.number(), pattern: z.string() }),
  z.object({
    kind: z.literal('readiness'),
    since: z.number(),
    /** When the ready line was seen (absent: probed without one, e.g. after a re-adoption). */
    lineAt: z.number().optional(),
    target: z.string(),
    answer: answerSchema.optional(),
  }),
  /** The readiness check answers, but a listener that announces its bind has not said so yet. */
  z.object({ kind: z.literal('listeners'), since: z.number(), ports: z.array(z.number().int()) }),
  z.object({
    kind: z.literal('port'),
    since: z.number(),
    port: z.number().int(),
    more: z.number().int(),
    holder: holder.optional(),
    retryAt: z.number().optional(),
  }),
  z.object({ kind: z.literal('backoff'), since: z.number(), retryAt: z.number(), after: z.string() }),
  z.object({ kind: z.literal('stopping'), since: z.number(), killAt: z.number().optional() }),
]);
export type Wait = z.infer<typeof waitSchema>;

export const exitKinds = ['asked', 'clean', 'crash', 'start-failed', 'relaunched'] as const;

/** How a run (or, for `relaunched`, one JVM of a run) ended, as the supervisor judged it. */
export const exitRecordSchema = z.object({
  /**
   * `asked`: the supervisor stopped it; `clean`: graceful-shutdown lines came just before; `relaunched`:
   * Carbon restarted its JVM (exit 121) inside the same run; else a failure.
   */
  kind: z.enum(exitKinds),
  reason: z.string(),
  at: z.number(),
  code: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
});
export type ExitRecord = z.infer<typeof exitRecordSchema>;

export const machineSchema = z.object({
  state: z.enum(instanceStates),
  /** When the current state began. */
  since: z.number().optional(),
  /** What it waits for now, as facts; absent when it waits for nothing. */
  wait: waitSchema.optional(),
  /** Why it failed, exited or is unhealthy, when that is not a wait. */
  reason: z.string().optional(),
  /** The sentence shown to users, made from the facts above when the snapshot is taken. */
  detail: z.string().optional(),
  /** Times of the restarts inside the current window. */
  restarts: z.array(z.number()),
  /** Restarts since the supervisor started the instance (never decreases while it supervises). */
  restartsTotal: z.number().int().optional(),
  /** Consecutive failures since the instance was last ready for a whole window: the backoff exponent. */
  attempt: z.number().int(),
  readySince: z.number().optional(),
  /** The failure that made the runner stop the instance; the run ends as that, not as `asked`. */
  failing: z
    .object({
      kind: z.enum(['crash', 'start-failed']),
      reason: z.string(),
      /** It gave up: once stopped it is failed, whatever its policy. */
      final: z.boolean().optional(),
    })
    .optional(),
  lastExit: exitRecordSchema.optional(),
  /** The last few ends, newest last. */
  history: z.array(exitRecordSchema).optional(),
});
export type MachineState = z.infer<typeof machineSchema>;

export const healthSchema = z.object({
  ok: z.boolean(),
  since: z.number(),
  error: z.string().optional(),
  /** When the health check last answered (or failed to). */
  checkedAt: z.number().optional(),
});
export type HealthReport = z.infer<typeof healthSchema>;

export const captureSchema = z.object({
  pid: z.number().int(),
  state: z.enum(['writing', 'failing', 'closed']),
  error: z.string().optional(),
  droppedBytes: z.number(),
  since: z.string(),
});

export const instanceRecordSchema = z.object({
  name: z.string(),
  product: z.string(),
  offset: z.number().int(),
  machine: machineSchema,
  runId: z.string().optional(),
  /** A digest of what the run was launched with (supervisor/launch-digest.ts): an edit since is noticed. */
  launch: z.string().optional(),
  pid: z.number().int().optional(),
  pgid: z.number().int().optional(),
  startTime: z.number().optional(),
  jvmPid: z.number().int().optional(),
  /** With the pid, identifies the JVM across pid reuse (a re-adopting supervisor checks both). */
  jvmStartTime: z.number().optional(),
  writerPid: z.number().int().optional(),
  /** When the current JVM was launched (a Carbon relaunch resets it). */
  startedAt: z.number().optional(),
  health: healthSchema.optional(),
  /** The log writer's report while capture fails, or once it has lost output: absent while all is well. */
  capture: captureSchema.optional(),
  /** Log writers that died and were replaced while this supervisor ran: how many, the last one's gap. */
  writerReplaced: z.object({ count: z.number().int(), at: z.number(), gapMs: z.number() }).optional(),
});
export type InstanceSnapshot = z.infer<typeof instanceRecordSchema>;
