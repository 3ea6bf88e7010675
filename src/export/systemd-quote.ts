/**
 * Quoting for unit files (systemd.syntax(7), systemd.service(5) "Command lines", systemd.exec(5)
 * `Environment=`): values are split into words at blanks unless quoted, C escapes are decoded inside
 * and outside quotes, and specifiers (`%h`, `%n` ...) are expanded, so `%` is written `%%`. Only command lines
 * expand variables (`$NAME`, `${NAME}`), so only there `$` is written `$$`.
 */

/** C-style escapes of what would end or bend a quoted word: backslash, double quote, control characters. */
function cEscape(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
  return text.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

const specifiers = (text: string) => text.replace(/%/g, '%%');

/** A word that needs no quotes: nothing that splits, quotes, escapes, or reads as a separator. */
const bare = /^[A-Za-z0-9_@+=:,./-]+$/;

/** One argument of `ExecStart=`, decoded back to exactly `word` by systemd. */
export function commandWord(word: string): string {
  const quoted = bare.test(word) ? word : `"${cEscape(word)}"`;
  return specifiers(quoted).replace(/\$/g, '$$$$');
}

/** A whole command line: the program (absolute) and its arguments. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(commandWord).join(' ');
}

/** One `Environment=` assignment, quoted whole so a value keeps its blanks, quotes and backslashes. */
export function environmentAssignment(name: string, value: string): string {
  return specifiers(`"${cEscape(`${name}=${value}`)}"`);
}

/** A path or free text in a setting that expands specifiers (`WorkingDirectory=`, `Description=`). */
export function specifierSafe(text: string): string {
  return specifiers(text.replace(/\n/g, ' '));
}

/** A POSIX shell word: single quotes, each inner quote closed, escaped and reopened. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
