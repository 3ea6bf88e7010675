/**
 * The commands a typo may be taken for: only those that change nothing. A suggestion is read and acted on
 * in a hurry; `shw` answered "Did you mean stop?" is a trap, so state-changing verbs are never proposed.
 */
export const readOnlyCommands = [
  'help',
  'validate',
  'plan',
  'ports',
  'status',
  'ps',
  'ls',
  'list',
  'describe',
  'show',
  'logs',
  'top',
] as const;

/**
 * The read-only command closest to a mistyped one, or none: within two edits and sharing at least half
 * of its letters in place (`shw` → show, `lgos` → logs), or the one it begins (`desc` → describe).
 */
export function suggestReadOnly(typed: string): string | undefined {
  const word = typed.toLowerCase();
  if (word.length < 2) return undefined;
  let best: { name: string; similar: number } | undefined;
  for (const name of readOnlyCommands) {
    const edits = name.startsWith(word) ? 0 : editDistance(word, name);
    const longer = Math.max(word.length, name.length);
    const similar = edits === 0 ? 1 : (longer - edits) / longer;
    if (edits > 2 && !name.startsWith(word)) continue;
    if (edits > 0 && similar < 0.5) continue;
    if (best === undefined || similar > best.similar) best = { name, similar };
  }
  return best?.name;
}

/** Edits from one word to another: insertions, deletions, substitutions and swaps of neighbours (as commander counts). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
