import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlInstances, supervisorStatus } from '../../daemon/control-client.js';
import type { ControlAction, StatusAnswer } from '../../daemon/control-protocol.js';
import { decodeKeys, type Key } from './keys.js';
import { LogPane, notePane } from './log-pane.js';
import { modelOf, type TopModel, troubleModel } from './model.js';
import { type Notice, type PaneView, renderTop } from './render.js';
import { openScreen, type Screen } from './screen.js';
import type { Terminal } from './spans.js';

/** How often the supervisor is asked, and the screen redrawn at least (ages and uptimes tick). */
const refreshMs = 1000;
/** Log lines arriving in a burst are drawn together, at most this often. */
const drawDelayMs = 40;

export interface TopOptions {
  readonly stateDir: string;
  /** The path of an instance's Carbon log (its home is in the manifest); rejects with why it is unknown. */
  readonly carbonLogOf: (name: string) => Promise<string>;
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  readonly terminal: Terminal;
}

/** What was still under way when the user quit: start, stop or restart requests the supervisor carries on. */
export interface TopEnd {
  readonly unanswered: readonly string[];
}

/**
 * `top`: a live view of the fleet on the control socket's `GET /v1/status` (the data of `status`), and its
 * actions through the same socket. It opens no listener of its own. Resolves when the user quits.
 */
export async function runTop(options: TopOptions): Promise<TopEnd> {
  const session = new TopSession(options);
  return session.run();
}

type PaneKind = 'log' | 'carbon';

class TopSession {
  private answer: StatusAnswer | undefined;
  private trouble = 'asking the supervisor…';
  private selected: string | undefined;
  private pane: { kind: PaneKind; name: string; follower: LogPane | undefined; view: PaneView } | undefined;
  private confirming: string | undefined;
  private notice: Notice | undefined;
  private readonly pending = new Map<string, ControlAction>();
  private readonly ended = new AbortController();
  private screen: Screen | undefined;
  private drawTimer: NodeJS.Timeout | undefined;
  private quit: () => void = () => {};

  constructor(private readonly options: TopOptions) {}

  async run(): Promise<TopEnd> {
    const finished = new Promise<void>((resolve) => {
      this.quit = resolve;
    });
    this.screen = openScreen(this.options.input, this.options.output, {
      keys: (data) => this.onKeys(decodeKeys(data)),
      resized: () => this.draw(),
    });
    const ticker = setInterval(() => this.draw(), refreshMs);
    try {
      this.draw();
      void this.poll();
      await finished;
    } finally {
      this.ended.abort();
      clearInterval(ticker);
      clearTimeout(this.drawTimer);
      this.pane?.follower?.close();
      this.screen.close();
    }
    return { unanswered: [...this.pending].map(([name, action]) => `${action} ${name}`) };
  }

  /** Asks the supervisor once a second; between answers the last one stays on screen. */
  private async poll(): Promise<void> {
    const { stateDir } = this.options;
    while (!this.ended.signal.aborted) {
      try {
        this.answer = await supervisorStatus(stateDir);
        this.trouble = `No supervisor runs for ${stateDir}. Start one with: wso2-supervisor up -d`;
      } catch (error) {
        this.answer = undefined;
        this.trouble = error instanceof Error ? error.message : String(error);
      }
      this.requestDraw();
      await sleep(refreshMs, undefined, { signal: this.ended.signal }).catch(() => {});
    }
  }

  private model(): TopModel {
    const { stateDir } = this.options;
    const model = this.answer
      ? modelOf(stateDir, this.answer, Date.now())
      : troubleModel(stateDir, this.trouble);
    if (!model.rows.some((r) => r.name === this.selected)) this.selected = model.rows[0]?.name;
    return model;
  }

  private requestDraw(): void {
    if (this.drawTimer !== undefined) return;
    this.drawTimer = setTimeout(() => {
      this.drawTimer = undefined;
      this.draw();
    }, drawDelayMs);
  }

  private draw(): void {
    const screen = this.screen;
    if (screen === undefined) return;
    const view = {
      model: this.model(),
      selected: this.selected,
      pane: this.pane?.follower?.view() ?? this.pane?.view,
      notice: this.notice,
    };
    screen.draw(renderTop(view, screen.size(), this.options.terminal));
  }

  private onKeys(keys: readonly Key[]): void {
    for (const key of keys) this.onKey(key);
    this.draw();
  }

  private onKey(key: Key): void {
    if (this.confirming !== undefined) {
      const name = this.confirming;
      this.confirming = undefined;
      if (key.kind === 'char' && (key.char === 'y' || key.char === 'Y')) this.act('stop', name);
      else this.notice = { text: `Not stopping ${name}.`, tone: 'info' };
    } else if (key.kind === 'interrupt' || (key.kind === 'char' && key.char === 'q')) {
      this.quit();
    } else if (key.kind === 'escape') {
      this.closePane();
      this.notice = undefined;
    } else if (key.kind !== 'char') {
      this.move(key.kind);
    } else if (this.selected !== undefined) {
      this.command(key.char, this.selected);
    }
  }

  private command(char: string, name: string): void {
    if (char === 's') this.act('start', name);
    else if (char === 'r') this.act('restart', name);
    else if (char === 'l') this.togglePane('log', name);
    else if (char === 'c') this.togglePane('carbon', name);
    else if (char === 'x') {
      this.confirming = name;
      this.notice = { text: `Stop ${name}? y stops it, any other key does not.`, tone: 'ask' };
    }
  }

  private move(kind: Exclude<Key['kind'], 'char' | 'interrupt' | 'escape'>): void {
    const names = this.model().rows.map((r) => r.name);
    if (names.length === 0) return;
    const at = Math.max(0, names.indexOf(this.selected ?? ''));
    const step: Record<typeof kind, number> = {
      up: -1,
      down: 1,
      'page-up': -10,
      'page-down': 10,
      home: -names.length,
      end: names.length,
      enter: 0,
    };
    this.selected = names[Math.min(names.length - 1, Math.max(0, at + step[kind]))];
    // An open pane follows the selection.
    if (this.pane !== undefined && this.selected !== undefined && this.pane.name !== this.selected)
      this.openPane(this.pane.kind, this.selected);
  }

  /**
   * Asks the supervisor and returns at once: its answer comes when the instance has settled (minutes, for a
   * slow start), and the screen goes on meanwhile; the rows show the progress.
   */
  private act(action: ControlAction, name: string): void {
    const under = this.pending.get(name);
    if (under !== undefined) {
      this.notice = { text: `${name}: the ${under} asked for is still under way.`, tone: 'info' };
      return;
    }
    this.pending.set(name, action);
    this.notice = {
      text: `${action} ${name}: asked; the supervisor answers once it has settled…`,
      tone: 'info',
    };
    controlInstances(this.options.stateDir, action, { names: [name] })
      .then((answer) => {
        const settled = answer.instances.map((i) => `${i.name} ${i.machine.state}`).join(', ');
        const first = answer.dependencies.map((d) => d.name);
        const deps = first.length > 0 ? ` (started ${first.join(', ')} first)` : '';
        this.notice = { text: `${action} ${name}: done, ${settled}${deps}.`, tone: 'info' };
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.notice = { text: `${action} ${name} failed: ${message}`, tone: 'error' };
      })
      .finally(() => {
        this.pending.delete(name);
        this.requestDraw();
      });
  }

  private togglePane(kind: PaneKind, name: string): void {
    const same = this.pane?.kind === kind && this.pane.name === name;
    this.closePane();
    if (!same) this.openPane(kind, name);
  }

  private openPane(kind: PaneKind, name: string): void {
    this.closePane();
    const key = kind === 'log' ? 'l' : 'c';
    const what = kind === 'log' ? `captured output of ${name}` : `Carbon log of ${name}`;
    const pane: NonNullable<TopSession['pane']> = {
      kind,
      name,
      follower: undefined,
      view: notePane(`${what} (${key} or Esc closes)`, 'reading…'),
    };
    this.pane = pane;
    const file =
      kind === 'log'
        ? Promise.resolve(path.join(this.options.stateDir, 'logs', `${name}.log`))
        : this.options.carbonLogOf(name);
    file.then(
      (found) => {
        if (this.pane !== pane) return;
        pane.follower = new LogPane(`${what} (${key} or Esc closes): ${found}`, found, () =>
          this.requestDraw(),
        );
        void pane.follower.open();
      },
      (error: unknown) => {
        if (this.pane !== pane) return;
        const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        pane.view = notePane(pane.view.title, `no Carbon log to show: ${why}`);
        this.requestDraw();
      },
    );
  }

  private closePane(): void {
    this.pane?.follower?.close();
    this.pane = undefined;
  }
}
