import type { Answer, HealthReport } from '../state/instance-record.js';
import { describeAnswer } from './wait.js';

/** What a health check's answer means for a running instance. */
export interface HealthVerdict {
  readonly report: HealthReport;
  /** `failing`: it just began to fail; `recovered`: it answers again; undefined: no change. */
  readonly change?: 'failing' | 'recovered';
  /** Set when it has failed for `unhealthyAfterSeconds`: the instance is to be treated as crashed. */
  readonly crash?: string;
}

/**
 * Judges one health answer (pure): 200 is healthy; anything else is a failure, counted from the first
 * failing answer, and a crash once it has lasted `unhealthyAfterSeconds` (undefined: reported only).
 */
export function judgeHealth(
  previous: HealthReport | undefined,
  answer: Answer,
  now: number,
  unhealthyAfterSeconds: number | undefined,
): HealthVerdict {
  const wasOk = previous?.ok ?? true;
  if (answer.status === 200) {
    const since = wasOk ? (previous?.since ?? now) : now;
    return { report: { ok: true, since, checkedAt: now }, ...(!wasOk && { change: 'recovered' }) };
  }
  const error = answer.status === undefined ? (answer.error ?? 'no answer') : describeAnswer(answer);
  const since = wasOk ? now : (previous?.since ?? now);
  const report: HealthReport = { ok: false, since, error, checkedAt: now };
  const limit = unhealthyAfterSeconds;
  const crash =
    limit !== undefined && now - since >= limit * 1000
      ? `health check failing for ${limit}s: ${error}`
      : undefined;
  return { report, ...(wasOk && { change: 'failing' }), ...(crash !== undefined && { crash }) };
}
