import { en } from 'zod/locales';
import * as z from 'zod/mini';

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

// zod/mini loads no locale (classic zod set English itself); these messages reach the CLI, so keep them.
z.config(en());

const holder = z.object({ pid: z.int(), command: z.string() });

/** A health or readiness check's last answer: a status code (and the start of its body), or no answer. */
export const answerSchema = z.object({
  status: z.optional(z.int()),
  body: z.optional(z.string()),
  error: z.optional(z.string()),
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
    lineAt: z.optional(z.number()),
    target: z.string(),
    answer: z.optional(answerSchema),
  }),
  /** The readiness check answers, but a listener that announces its bind has not said so yet. */
  z.object({ kind: z.literal('listeners'), since: z.number(), ports: z.array(z.int()) }),
  z.object({
    kind: z.literal('port'),
    since: z.number(),
    port: z.int(),
    more: z.int(),
    holder: z.optional(holder),
    retryAt: z.optional(z.number()),
  }),
  z.object({ kind: z.literal('backoff'), since: z.number(), retryAt: z.number(), after: z.string() }),
  z.object({ kind: z.literal('stopping'), since: z.number(), killAt: z.optional(z.number()) }),
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
  code: z.optional(z.nullable(z.int())),
  signal: z.optional(z.nullable(z.string())),
});
export type ExitRecord = z.infer<typeof exitRecordSchema>;

export const machineSchema = z.object({
  state: z.enum(instanceStates),
  /** When the current state began. */
  since: z.optional(z.number()),
  /** What it waits for now, as facts; absent when it waits for nothing. */
  wait: z.optional(waitSchema),
  /** Why it failed, exited or is unhealthy, when that is not a wait. */
  reason: z.optional(z.string()),
  /** The sentence shown to users, made from the facts above when the snapshot is taken. */
  detail: z.optional(z.string()),
  /** Times of the restarts inside the current window. */
  restarts: z.array(z.number()),
  /** Restarts since the supervisor started the instance (never decreases while it supervises). */
  restartsTotal: z.optional(z.int()),
  /** Consecutive failures since the instance was last ready for a whole window: the backoff exponent. */
  attempt: z.int(),
  readySince: z.optional(z.number()),
  /** The failure that made the runner stop the instance; the run ends as that, not as `asked`. */
  failing: z.optional(
    z.object({
      kind: z.enum(['crash', 'start-failed']),
      reason: z.string(),
      /** It gave up: once stopped it is failed, whatever its policy. */
      final: z.optional(z.boolean()),
    }),
  ),
  lastExit: z.optional(exitRecordSchema),
  /** The last few ends, newest last. */
  history: z.optional(z.array(exitRecordSchema)),
});
export type MachineState = z.infer<typeof machineSchema>;

export const healthSchema = z.object({
  ok: z.boolean(),
  since: z.number(),
  error: z.optional(z.string()),
  /** When the health check last answered (or failed to). */
  checkedAt: z.optional(z.number()),
});
export type HealthReport = z.infer<typeof healthSchema>;

export const captureSchema = z.object({
  pid: z.int(),
  state: z.enum(['writing', 'failing', 'closed']),
  error: z.optional(z.string()),
  droppedBytes: z.number(),
  since: z.string(),
});

export const instanceRecordSchema = z.object({
  name: z.string(),
  product: z.string(),
  offset: z.int(),
  machine: machineSchema,
  runId: z.optional(z.string()),
  /** A digest of what the run was launched with (supervisor/launch-digest.ts): an edit since is noticed. */
  launch: z.optional(z.string()),
  pid: z.optional(z.int()),
  pgid: z.optional(z.int()),
  startTime: z.optional(z.number()),
  jvmPid: z.optional(z.int()),
  /** With the pid, identifies the JVM across pid reuse (a re-adopting supervisor checks both). */
  jvmStartTime: z.optional(z.number()),
  writerPid: z.optional(z.int()),
  /** When the current JVM was launched (a Carbon relaunch resets it). */
  startedAt: z.optional(z.number()),
  health: z.optional(healthSchema),
  /** The log writer's report while capture fails, or once it has lost output: absent while all is well. */
  capture: z.optional(captureSchema),
  /** Log writers that died and were replaced while this supervisor ran: how many, the last one's gap. */
  writerReplaced: z.optional(z.object({ count: z.int(), at: z.number(), gapMs: z.number() })),
});
export type InstanceSnapshot = z.infer<typeof instanceRecordSchema>;
