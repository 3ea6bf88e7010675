import type { Logger } from 'pino';
import type { InstanceConfig } from '../manifest/instance-config.js';
import type { Clock } from './clock.js';

/** What an instance runner is made with (instance-runner.ts). */
export interface RunnerOptions {
  readonly config: InstanceConfig;
  readonly offset: number;
  /** The state folder: its logs/ holds the captured output, and every launch is tagged with it. */
  readonly stateDir: string;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Between readiness probes. */
  readonly probeIntervalMs?: number;
  readonly healthIntervalMs?: number;
  /** How long a health check may take before it counts as failed. */
  readonly healthTimeoutMs?: number;
}
