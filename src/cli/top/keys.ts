/**
 * Keys from a terminal in raw mode: one read may hold several (typed ahead, or a paste), and an arrow is an
 * escape sequence (`ESC [ A`, or `ESC O A` in the application cursor mode some terminals start in).
 */
export type Key =
  | {
      readonly kind:
        | 'up'
        | 'down'
        | 'home'
        | 'end'
        | 'page-up'
        | 'page-down'
        | 'escape'
        | 'enter'
        | 'interrupt';
    }
  | { readonly kind: 'char'; readonly char: string };

const sequences: Readonly<Record<string, Key['kind']>> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[5~': 'page-up',
  '\x1b[6~': 'page-down',
};

/** A CSI or SS3 sequence: ESC [ parameters final-byte, or ESC O letter. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences begin with ESC
const escapeSequence = /^\x1b(?:\[[0-9;?]*[\x40-\x7e]|O[A-Za-z])/;

export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let at = 0;
  while (at < input.length) {
    const rest = input.slice(at);
    const sequence = escapeSequence.exec(rest)?.[0];
    if (sequence !== undefined) {
      const kind = sequences[sequence];
      // Other sequences (function keys, a focus report) are consumed whole and ignored.
      if (kind !== undefined) keys.push({ kind } as Key);
      at += sequence.length;
      continue;
    }
    const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    at += char.length;
    if (char === '\x1b') keys.push({ kind: 'escape' });
    // Ctrl-C and Ctrl-D: raw mode delivers them as characters, not as SIGINT.
    else if (char === '\x03' || char === '\x04') keys.push({ kind: 'interrupt' });
    else if (char === '\r' || char === '\n') keys.push({ kind: 'enter' });
    else if (char === 'k') keys.push({ kind: 'up' });
    else if (char === 'j') keys.push({ kind: 'down' });
    else if (char >= ' ' && char !== '\x7f') keys.push({ kind: 'char', char });
  }
  return keys;
}
