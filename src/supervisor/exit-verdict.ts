import type { Product } from '../products/product.js';

/** How many of the last output lines may separate a graceful-shutdown line from the exit. */
const shutdownWindow = 30;

/**
 * Whether the output just before an exit the supervisor did not ask for shows the product's graceful
 * shutdown (someone stopped it from its console or API): then the exit is clean. The script's exit code
 * cannot tell, as WSO2's scripts exit 0 however the JVM ended. Only the line that opens a graceful shutdown
 * counts (the restart path's "Halting JVM" does not), and a ready line after it means the 121 loop started
 * a new JVM: that shutdown was not the end.
 */
export function isGracefulShutdown(product: Product, lastLines: readonly string[]): boolean {
  const recent = lastLines.slice(-shutdownWindow);
  const opening = product.shutdownLines[0];
  // Carbon 5 logs no shutdown at all: an exit nobody asked for is never a clean one.
  if (opening === undefined) return false;
  const lastShutdown = findLastIndex(recent, (line) => opening.test(line));
  if (lastShutdown < 0) return false;
  return !recent.slice(lastShutdown + 1).some((line) => product.readyLine.test(line));
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let k = items.length - 1; k >= 0; k--) if (predicate(items[k] as T)) return k;
  return -1;
}

/**
 * The line a user can act on at the end of an output: a HotSpot fatal-error banner (`#` lines) is summed
 * up by its first fact ("A fatal error has been detected ...: SIGSEGV ..."), and banner filler and blank
 * lines are skipped. Trimmed for a reason text.
 */
export function lastOutputLine(lines: readonly string[]): string | undefined {
  const fatal = findLastIndex(lines, (line) => /^#\s*A fatal error has been detected/.test(line));
  if (fatal >= 0) {
    const fact = lines.slice(fatal + 1).find((line) => /^#\s*\S/.test(line));
    const summary = 'JVM fatal error';
    return trim(fact ? `${summary}: ${fact.replace(/^#\s*/, '')}` : summary);
  }
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k]?.trim();
    if (line && !line.startsWith('#')) return trim(line);
  }
  return undefined;
}

const trim = (line: string) => (line.length > 160 ? `${line.slice(0, 157)}...` : line);

/** What the supervisor knows when a run's start script has ended without being asked to. */
export interface EndFacts {
  /** The run's output since its launch (or its JVM's relaunch), supervisor lines removed. */
  readonly lines: readonly string[];
  /** The script's exit, as far as it is known: "status 0", "signal SIGKILL", "an unknown status". */
  readonly status: string;
  readonly wasReady: boolean;
  /** A JVM of the run still lived when the script ended. */
  readonly jvmAlive: number | undefined;
}

/**
 * Judges how a run ended (pure). The script's exit status says nothing (WSO2's scripts exit 0 however the
 * JVM ended), so the output decides: graceful-shutdown lines make it clean; otherwise it crashed, or
 * ended before it was ready ("never became ready" is told apart from "crashed after it was ready").
 */
export function judgeExit(
  product: Product,
  facts: EndFacts,
): { kind: 'clean' | 'crash' | 'start-failed'; reason: string } {
  if (facts.jvmAlive !== undefined)
    return {
      kind: 'crash',
      reason: `the start script ended (${facts.status}) while its JVM (pid ${facts.jvmAlive}) still ran`,
    };
  if (isGracefulShutdown(product, facts.lines))
    return { kind: 'clean', reason: 'shut down gracefully (from its console or API)' };
  const failure = facts.lines.find((line) => product.startFailures.some((re) => re.test(line)));
  const last = failure?.trim() ?? lastOutputLine(facts.lines);
  const phase = facts.wasReady ? 'crashed' : 'ended before it was ready';
  return {
    kind: facts.wasReady ? 'crash' : 'start-failed',
    reason: `${phase}: script ${facts.status}${last ? `, last output: ${last}` : ''}`,
  };
}

/**
 * The current JVM's output: the lines after the previous JVM's announcement of its restart (carbon-kernel
 * `CarbonServerManager.restart`, MI `CoreServerInitializer.restart`: "Starting a new Carbon instance",
 * then exit 121), or after a HotSpot fatal-error banner, when the run has had more than one JVM. Not
 * "Halting JVM": API-M logs it on a graceful shutdown too.
 */
export function linesSinceRelaunch(lines: readonly string[]): string[] {
  let start = 0;
  lines.forEach((line, k) => {
    const bannerEnds = line.startsWith('#') && !(lines[k + 1] ?? '#').startsWith('#');
    if (/Starting a new Carbon instance/.test(line) || bannerEnds) start = k + 1;
  });
  return lines.slice(start);
}
