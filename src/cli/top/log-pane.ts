import { followLog, type LogFollower } from '../../capture/log-tail.js';
import { readTail } from '../logs/read-tail.js';
import type { PaneView } from './render.js';

/** Lines kept for the pane: more than any terminal shows, few enough to cost nothing. */
const keptLines = 500;

/**
 * A log followed for the pane: its last lines at opening, then each line appended (across rotations, as
 * `logs -f` follows). `changed` is called for each new line; the caller decides when to redraw.
 */
export class LogPane {
  private readonly lines: string[] = [];
  private follower: LogFollower | undefined;
  private closed = false;
  private note: string | undefined = 'reading…';

  constructor(
    readonly title: string,
    private readonly file: string,
    private readonly changed: () => void,
  ) {}

  /** Starts reading; never rejects (trouble becomes the pane's note). */
  async open(): Promise<void> {
    try {
      const tail = await readTail(this.file, { count: keptLines, since: undefined });
      if (this.closed) return;
      this.lines.push(...(tail?.lines.map((l) => l.line) ?? []));
      this.note = tail === undefined ? `no log yet: ${this.file} does not exist (waiting for it)` : '(empty)';
      this.follower = followLog(this.file, {
        fromOffset: tail?.end.offset ?? 0,
        ...(tail !== undefined && { inode: tail.end.inode }),
        onLine: (line) => this.add(line),
        onError: (error) => {
          this.note = `cannot read ${this.file}: ${error instanceof Error ? error.message : String(error)}`;
        },
      });
    } catch (error) {
      this.note = `cannot read ${this.file}: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.changed();
  }

  close(): void {
    this.closed = true;
    this.follower?.stop();
  }

  view(): PaneView {
    return { title: this.title, lines: this.lines, note: this.note };
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > keptLines) this.lines.splice(0, this.lines.length - keptLines);
    this.changed();
  }
}

/** A pane that has nothing to follow, and says why (the Carbon log of an instance the manifest lacks). */
export function notePane(title: string, note: string): PaneView {
  return { title, lines: [], note };
}
