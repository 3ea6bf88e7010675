/**
 * Delay before restart number `attempt` (0-based): doubles from `initialSeconds` up to `maxSeconds`, with
 * "equal jitter" (half fixed, half random) so a fleet that crashed together does not restart in lockstep,
 * while the delay never drops below half the nominal one. `random` is injected: pure and testable.
 */
export function backoffDelayMs(
  attempt: number,
  backoff: { readonly initialSeconds: number; readonly maxSeconds: number },
  random: () => number,
): number {
  const nominal = Math.min(backoff.maxSeconds, backoff.initialSeconds * 2 ** Math.min(attempt, 30)) * 1000;
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
