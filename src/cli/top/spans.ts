/**
 * A terminal line as spans of text, each with an optional style and link, cut to the terminal's width and
 * only then turned into escape sequences: a cut never splits a sequence, and a link whose text is cut still
 * opens its whole URL. Plain ANSI (SGR) and OSC 8 hyperlinks (egmontkob's spec, "Hyperlinks in terminal
 * emulators"), understood by most terminals and ignored by the others.
 */
export interface Span {
  readonly text: string;
  /** SGR parameters: `1` bold, `2` dim, `7` inverse, `31` red, `32` green, `33` yellow, `36` cyan. */
  readonly sgr?: string;
  readonly url?: string;
}

export interface Terminal {
  /** Colours; off with NO_COLOR (no-color.org). */
  readonly colour: boolean;
  readonly links: boolean;
}

/** Escape, the other C0 controls, DEL and the C1 controls: text from logs or the network must not steer the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is removed
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from outside (log lines, HTTP bodies, commands) as printable characters on one line. */
export function printable(text: string): string {
  return text.replace(/\t/g, '  ').replace(/\n/g, ' ').replace(controls, '');
}

/** Width on the terminal, counted in code points (wide East Asian characters count as one). */
export function widthOf(text: string): number {
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** The text cut to `width` code points, the last one an ellipsis when something was cut. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (widthOf(text) <= width) return text;
  return `${[...text].slice(0, width - 1).join('')}…`;
}

export function padEnd(text: string, width: number): string {
  const shown = cut(text, width);
  return shown + ' '.repeat(Math.max(0, width - widthOf(shown)));
}

export function padStart(text: string, width: number): string {
  const shown = cut(text, width);
  return ' '.repeat(Math.max(0, width - widthOf(shown))) + shown;
}

/**
 * The spans as one line of at most `width` columns. `fill`: the line is padded to the full width in this
 * style (a title bar).
 */
export function encodeLine(spans: readonly Span[], width: number, terminal: Terminal, fill?: string): string {
  let out = '';
  let left = width;
  for (const span of spans) {
    if (left <= 0) break;
    const text = cut(span.text, left);
    left -= widthOf(text);
    out += styled(text, span, terminal);
  }
  if (fill !== undefined && left > 0) out += styled(' '.repeat(left), { text: '', sgr: fill }, terminal);
  return out;
}

function styled(text: string, span: Span, terminal: Terminal): string {
  if (text === '') return '';
  const linked = terminal.links && span.url !== undefined ? osc8(span.url, text) : text;
  const sgr = span.sgr === undefined ? undefined : allowedSgr(span.sgr, terminal);
  return sgr ? `\x1b[${sgr}m${linked}\x1b[0m` : linked;
}

/** Without colour, bold and inverse video stay (the selection, the bars): NO_COLOR asks for no colour, not no styling. */
function allowedSgr(sgr: string, terminal: Terminal): string | undefined {
  if (terminal.colour) return sgr;
  const kept = sgr.split(';').filter((p) => p === '1' || p === '7');
  return kept.length > 0 ? kept.join(';') : undefined;
}

function osc8(url: string, text: string): string {
  // A URL is printable ASCII here (made from the catalog); anything else would end the sequence early.
  const safe = url.replace(/[^\x21-\x7e]/g, '');
  return `\x1b]8;;${safe}\x1b\\${text}\x1b]8;;\x1b\\`;
}

/** Words laid out over lines of at most `width` columns (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = cut(word, width);
    else if (widthOf(line) + 1 + widthOf(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = cut(word, width);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
