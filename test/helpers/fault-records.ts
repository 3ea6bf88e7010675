import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The supervisor's pino JSON lines from `<root>/state/logs/supervisor.log`; none while it does not exist. */
export function supervisorLogEvents(root: string): Record<string, unknown>[] {
  return jsonLines(path.join(root, 'state', 'logs', 'supervisor.log'));
}

/** A home's lifecycle stamps (`WSO2_SIM_LIFECYCLE_STAMP` pointed at `<root>/stamps/<name>.jsonl`). */
export function lifecycleStamps(root: string, name: string): { event: string; at: number }[] {
  return jsonLines(path.join(root, 'stamps', `${name}.jsonl`)) as { event: string; at: number }[];
}

/** Each line of a JSON-lines file that parses (a line being written may not yet). */
function jsonLines(file: string): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
