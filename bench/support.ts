// Shared by the benchmarks: the environment they run processes in, the statistics they print, and the one
// report format `npm run bench` (all.ts) collects into its table and bench/results.json.
import { readFileSync } from 'node:fs';

export { readJsonLines } from '../scripts/json-lines.js';

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

/** A target a figure must meet: `at most` (<=) or `at least` (>=) a value, in the figure's unit. */
export interface Target {
  readonly atMost?: number;
  readonly atLeast?: number;
}

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  /** How the figure was obtained or what it is compared with, e.g. "median of 15". */
  readonly note?: string;
}

export interface BenchReport {
  readonly benchmark: string;
  readonly figures: readonly Figure[];
  /** Anything else worth keeping in results.json (raw samples, references measured in the same run). */
  readonly details?: Record<string, unknown>;
}

export function isMet(figure: Figure): boolean | undefined {
  const { target, value } = figure;
  if (target === undefined) return undefined;
  return (
    (target.atMost === undefined || value <= target.atMost) &&
    (target.atLeast === undefined || value >= target.atLeast)
  );
}

export function describeTarget(target: Target | undefined, unit: string): string {
  if (target === undefined) return '';
  const parts = [];
  if (target.atLeast !== undefined) parts.push(`>= ${target.atLeast} ${unit}`);
  if (target.atMost !== undefined) parts.push(`<= ${target.atMost} ${unit}`);
  return parts.join(' and ');
}

/** The line all.ts looks for in a benchmark's output. */
export const reportPrefix = 'BENCH-REPORT ';

/** Prints the figures for a person, and once more as one JSON line for all.ts. */
export function report(result: BenchReport): void {
  console.log(`${result.benchmark}:`);
  for (const figure of result.figures) {
    const met = isMet(figure);
    const target =
      figure.target === undefined
        ? ''
        : `  (target ${describeTarget(figure.target, figure.unit)}: ${met ? 'met' : 'NOT met'})`;
    const note = figure.note ? `  [${figure.note}]` : '';
    console.log(`  ${figure.name}: ${figure.value} ${figure.unit}${target}${note}`);
  }
  console.log(`${reportPrefix}${JSON.stringify(result)}`);
}

/** Polls a condition (the benchmarks watch files and /proc, which have no events to wait on). */
export async function until(
  what: string,
  condition: () => boolean,
  timeoutMs: number,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`benchmark timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A /proc/<pid>/status field in MB (VmRSS, VmHWM), or NaN when the process is gone. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}
