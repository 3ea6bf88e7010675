// Shared by the benchmarks: the environment they run processes in, and the statistics they print.

/** This machine sets NODE_EXTRA_CA_CERTS, which adds ~75 ms to every Node start; users rarely have it. */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const round1 = (value: number) => Math.round(value * 10) / 10;
