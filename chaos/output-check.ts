/** A stretch of time during which an instance's capture was made to fail: lines written then may be lost. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/** A numbered activity line of a simulated JVM (`Simulated activity N`), with the time it was logged. */
export interface NumberedLine {
  readonly at: number;
  readonly n: number;
}

const stamp = /\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})\]/;
const activity = /Simulated activity (\d+)$/;

/** The numbered lines of a captured log's text (the console pattern's local time, then the number). */
export function numberedLines(text: string): NumberedLine[] {
  const lines: NumberedLine[] = [];
  for (const line of text.split('\n')) {
    const number = activity.exec(line);
    const time = number && stamp.exec(line);
    if (!number || !time) continue;
    const [, y, mo, d, h, mi, s, ms] = time.map(Number) as number[];
    lines.push({
      at: new Date(y as number, (mo as number) - 1, d, h, mi, s, ms).getTime(),
      n: Number(number[1]),
    });
  }
  return lines;
}

/**
 * Where output went missing (pure): each JVM numbers its lines from 1, so in time order every line follows
 * the one before it (N + 1) or starts a new JVM (1). A jump is a loss, a repeat a duplicate, unless the
 * capture was failing on purpose in between, or the lines in between may have been rotated away (before
 * `keptFrom`, the oldest line still in the rotation chain).
 */
export function outputProblems(
  lines: readonly NumberedLine[],
  failing: readonly Window[],
  keptFrom: number,
): string[] {
  const sorted = [...lines].sort((a, b) => a.at - b.at);
  const problems: string[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const before = sorted[k - 1] as NumberedLine;
    const line = sorted[k] as NumberedLine;
    if (line.n === before.n + 1 || line.n === 1) continue;
    const excused = line.at <= keptFrom || failing.some((w) => w.from <= line.at && w.to >= before.at);
    if (excused) continue;
    const what = line.n === before.n ? `line ${line.n} twice` : `lines ${before.n + 1} to ${line.n - 1} lost`;
    problems.push(
      `${what} (between ${new Date(before.at).toISOString()} and ${new Date(line.at).toISOString()})`,
    );
  }
  return problems;
}
