import { acceptsConnections, healthAgents, httpStatus } from '../process/readiness-probe.js';
import type { Answer } from '../state/instance-record.js';
import type { Clock } from './clock.js';
import { type HealthVerdict, judgeHealth } from './health-verdict.js';
import type { ReadinessPlan } from './readiness-plan.js';

export interface HealthMonitorOptions {
  readonly liveness: NonNullable<ReadinessPlan['liveness']>;
  readonly clock: Clock;
  /** Kubernetes' default probe period is 10 s; WSO2's Helm charts use it too. */
  readonly intervalMs: number;
  /** How long a check may take before it counts as failed. */
  readonly timeoutMs: number;
  readonly unhealthyAfterSeconds: number | undefined;
  /** Each verdict, after every check. */
  readonly onVerdict: (verdict: HealthVerdict) => void;
}

/**
 * While an instance runs: checks its liveness every interval and hands each verdict on. The judgement is
 * `judgeHealth`'s; this only asks. One kept-alive connection per instance, so a check costs no handshake.
 */
export function monitorHealth(options: HealthMonitorOptions): () => void {
  const { liveness, clock } = options;
  const agents = healthAgents();
  let report = judgeHealth(undefined, { status: 200 }, clock.now(), undefined).report;
  let stopped = false;
  let cancel = () => {};
  const ask = async (): Promise<Answer> => {
    if ('url' in liveness) return httpStatus(liveness.url, options.timeoutMs, agents);
    const open = await Promise.all(liveness.ports.map((p) => acceptsConnections(p, options.timeoutMs)));
    return open.every(Boolean) ? { status: 200 } : { error: 'a planned port refuses connections' };
  };
  const check = async () => {
    const answer = await ask();
    if (stopped) return;
    const verdict = judgeHealth(report, answer, clock.now(), options.unhealthyAfterSeconds);
    report = verdict.report;
    options.onVerdict(verdict);
    if (!stopped && verdict.crash === undefined) schedule();
  };
  const schedule = () => {
    cancel = clock.after(options.intervalMs, () => {
      check().catch(() => schedule());
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
    agents.destroy();
  };
}
