/**
 * A reader of unit files for the tests, written from systemd.syntax(7) and systemd.service(5) rather than
 * from the exporter's quoting: specifiers first (`%%` is `%`), then words split at blanks unless quoted,
 * C escapes decoded; on command lines `$$` is then `$`. Only what the exporter writes is supported.
 */
export function settings(unit: string, key: string): string[] {
  return unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

export function words(value: string): string[] {
  const text = value.replace(/%(.)/g, (whole, c: string) => {
    if (c !== '%') throw new Error(`unexpected specifier ${whole} in ${value}`);
    return '%';
  });
  const found: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === undefined && /\s/.test(c)) {
      if (word !== undefined) found.push(word);
      word = undefined;
      continue;
    }
    word ??= '';
    if (c === quote) quote = undefined;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === '\\') {
      const next = text[++i] as string;
      const named: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
      if (next === 'x') {
        word += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else word += named[next] ?? next;
    } else word += c;
  }
  if (quote !== undefined) throw new Error(`unbalanced quote in ${value}`);
  if (word !== undefined) found.push(word);
  return found;
}

/** A command line's arguments as the program receives them. */
export function commandArgs(value: string): string[] {
  return words(value).map((word) => word.replace(/\$\$/g, '$'));
}

/** Every `Environment=` assignment of a unit, as the service's environment. */
export function environment(unit: string): Record<string, string> {
  const assignments = settings(unit, 'Environment').flatMap(words);
  return Object.fromEntries(
    assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
}
