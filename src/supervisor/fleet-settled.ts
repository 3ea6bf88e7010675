import type { Fleet } from './fleet.js';

/** States a start ends in: running, or given up on. */
const settledStates = new Set(['running', 'failed', 'exited', 'stopped']);

/**
 * Resolves once every named instance of the fleet has settled after a start: running, or given up on
 * (failed, exited, stopped), or still retrying (backoff) when the time is up.
 */
export function settledIn(fleet: Fleet, names: readonly string[], timeoutMs: number): Promise<void> {
  const done = () => names.every((name) => settledStates.has(fleet.runners.get(name)?.state ?? 'stopped'));
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      fleet.off('change', check);
      resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    fleet.on('change', check);
  });
}
