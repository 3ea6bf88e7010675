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
  const lastShutdown = findLastIndex(recent, (line) => opening.test(line));
  if (lastShutdown < 0) return false;
  return !recent.slice(lastShutdown + 1).some((line) => product.readyLine.test(line));
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let k = items.length - 1; k >= 0; k--) if (predicate(items[k] as T)) return k;
  return -1;
}

/** The last non-empty line, trimmed for a reason text. */
export function lastOutputLine(lines: readonly string[]): string | undefined {
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k]?.trim();
    if (line) return line.length > 160 ? `${line.slice(0, 157)}...` : line;
  }
  return undefined;
}
