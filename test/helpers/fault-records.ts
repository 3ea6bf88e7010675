import path from 'node:path';
import { readJsonLines } from '../../scripts/json-lines.js';

/** The supervisor's pino JSON lines from `<root>/state/logs/supervisor.log`; none while it does not exist. */
export function supervisorLogEvents(root: string): Record<string, unknown>[] {
  return readJsonLines(path.join(root, 'state', 'logs', 'supervisor.log'));
}

/** A home's lifecycle stamps (`WSO2_SIM_LIFECYCLE_STAMP` pointed at `<root>/stamps/<name>.jsonl`). */
export function lifecycleStamps(root: string, name: string): { event: string; at: number }[] {
  return readJsonLines(path.join(root, 'stamps', `${name}.jsonl`));
}
