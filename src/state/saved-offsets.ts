import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Offsets of the last run, from `<stateDir>/state.json`. A missing or unreadable file means a first run:
 * the planner then starts from the defaults, which is always safe.
 */
export async function readSavedOffsets(stateDir: string): Promise<Record<string, number>> {
  const text = await readFile(path.join(stateDir, 'state.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    const instances =
      (JSON.parse(text) as { instances?: Record<string, { offset?: unknown }> }).instances ?? {};
    const saved: Record<string, number> = {};
    for (const [name, entry] of Object.entries(instances)) {
      if (Number.isInteger(entry?.offset)) saved[name] = entry.offset as number;
    }
    return saved;
  } catch {
    return {};
  }
}
