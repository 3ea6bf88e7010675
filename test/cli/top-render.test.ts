import { describe, expect, it } from 'vitest';
import { decodeKeys } from '../../src/cli/top/keys.js';
import { modelOf, type TopModel, type TopRow, troubleModel } from '../../src/cli/top/model.js';
import { renderTop, type TopView } from '../../src/cli/top/render.js';
import { encodeLine, type Terminal } from '../../src/cli/top/spans.js';
import type { StatusAnswer } from '../../src/daemon/control-protocol.js';

const now = 1_750_000_000_000;
const plain: Terminal = { colour: false, links: false };
const full: Terminal = { colour: true, links: true };

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the escape sequences is the point
const escapes = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;;[^\x1b]*\x1b\\/g;
const esc = '\x1b';
const visible = (line: string) => line.replace(escapes, '');

function answer(): StatusAnswer {
  const base = { restarts: [], attempt: 0 };
  return {
    ok: true,
    supervisorPid: 4242,
    stateDir: '/srv/fleet/state',
    usage: { gateway: { cpuPercent: 12.34, memoryBytes: 1536 * 1024 * 1024 } },
    instances: {
      gateway: {
        name: 'gateway',
        product: 'apim',
        offset: 3,
        pid: 100,
        jvmPid: 101,
        startedAt: now - 125_000,
        health: { ok: true, since: now - 100_000, checkedAt: now - 2_000 },
        machine: { ...base, state: 'running', readySince: now - 90_000, restartsTotal: 2 },
      },
      orders: {
        name: 'orders',
        product: 'mi',
        offset: 12,
        machine: {
          ...base,
          state: 'backoff',
          wait: {
            kind: 'port',
            since: now - 5_000,
            port: 8292,
            more: 0,
            holder: { pid: 4711, command: 'nginx' },
            retryAt: now + 4_000,
          },
        },
      },
    },
  };
}

function view(model: TopModel, extra: Partial<TopView> = {}): TopView {
  return { model, selected: model.rows[0]?.name, pane: undefined, notice: undefined, ...extra };
}

describe('top: the model made from a status answer', () => {
  it('gives each instance its JVM pid, uptime, usage, health age, detail, busy port holder and URLs at its offset', () => {
    const [gateway, orders] = modelOf('/srv/fleet/state', answer(), now).rows as [TopRow, TopRow];
    expect(gateway).toMatchObject({ pid: 101, uptimeMs: 125_000, restarts: 2, cpuPercent: 12.34 });
    expect(gateway.health).toEqual({ ok: true, ageMs: 2_000 });
    expect(gateway.detail).toBe('ready for 90 s');
    expect(gateway.urls).toContain('https://localhost:9446/publisher');
    expect(gateway.urls).toContain('https://localhost:9446/devportal');
    expect(gateway.urls).toContain('https://localhost:9446/carbon');
    expect(orders).toMatchObject({ pid: null, uptimeMs: null, cpuPercent: null, health: null });
    expect(orders.busyPort).toEqual({ port: 8292, holder: 'pid 4711 (nginx)' });
    expect(orders.detail).toBe('port 8292 held by pid 4711 (nginx); retrying in 4 s');
    expect(orders.urls).toEqual([
      'https://localhost:9166/management',
      'http://localhost:9203/healthz',
      'http://localhost:9203/liveness',
    ]);
  });
});

describe('top: the screen', () => {
  const model = modelOf('/srv/fleet/state', answer(), now);

  it('fits 80 columns exactly the terminal height, each instance with state, offset, pid, detail and URLs', () => {
    const lines = renderTop(view(model), { columns: 80, rows: 24 }, plain);
    expect(lines).toHaveLength(24);
    for (const line of lines) expect([...visible(line)].length).toBeLessThanOrEqual(80);
    const text = lines.map(visible).join('\n');
    expect(text).toMatch(/^> gateway\s+running\s+3\s+101\s+2m5s\s+2\s+12\.3%\s+1536 MB ok 2s/m);
    expect(text).toMatch(/^ {2}orders\s+backoff\s+12\s+-\s+-\s+0/m);
    expect(text).toContain('port 8292 held by pid 4711 (nginx)');
    expect(text).toContain('https://localhost:9446/publisher');
    expect(text).toContain('https://localhost:9166/management  http://localhost:9203/healthz /liveness');
    expect(text).toContain('q quit');
  });

  it('puts the detail inline on a wide terminal, with a product column', () => {
    const text = renderTop(view(model), { columns: 160, rows: 24 }, plain).map(visible).join('\n');
    expect(text).toMatch(/^ {2}orders\s+mi\s+backoff\s+12\s+.*port 8292 held by pid 4711 \(nginx\)/m);
  });

  it('on a narrow terminal keeps name, state and offset, and drops the restarts and uptime first', () => {
    const text = renderTop(view(model), { columns: 56, rows: 20 }, plain).map(visible).join('\n');
    expect(text).toMatch(/^ {2}NAME\s+STATE\s+OFFSET\s+PID\s+CPU\s+HEALTH\s*$/m);
    expect(text).toMatch(/^> gateway\s+running\s+3\s+101\s+12\.3%\s+ok 2s\s*$/m);
  });

  it('makes URLs OSC 8 hyperlinks and colours states, and with NO_COLOR keeps only bold and inverse', () => {
    const coloured = renderTop(view(model), { columns: 120, rows: 24 }, full).join('\n');
    expect(coloured).toContain(
      '\x1b]8;;https://localhost:9446/publisher\x1b\\https://localhost:9446/publisher',
    );
    expect(coloured).toMatch(new RegExp(`${esc}\\[33(;7)?mbackoff`));
    const bare = renderTop(view(model), { columns: 120, rows: 24 }, { colour: false, links: true }).join('');
    const styles = [...bare.matchAll(new RegExp(`${esc}\\[([0-9;]*)m`, 'g'))].map((m) => m[1]);
    expect(styles.every((s) => s === '0' || /^(1|7|1;7)$/.test(s ?? ''))).toBe(true);
    expect(bare).toContain('\x1b]8;;https://localhost:9166/management');
  });

  it('keeps the selected instance in view when the fleet is taller than the terminal', () => {
    const rows: TopRow[] = Array.from({ length: 40 }, (_, k) => ({
      ...(model.rows[0] as TopRow),
      name: `mi${k}`,
      detail: `detail of mi${k}`,
    }));
    const tall: TopModel = { ...model, rows };
    const text = renderTop(view(tall, { selected: 'mi33' }), { columns: 80, rows: 20 }, plain)
      .map(visible)
      .join('\n');
    expect(text).toMatch(/^> mi33 /m);
    expect(text).toContain('detail of mi33');
    expect(text).not.toMatch(/^ {2}mi0 /m);
  });

  it('shows the log pane with the last lines, stripped of anything that would steer the terminal', () => {
    const lines = Array.from({ length: 50 }, (_, k) => `line ${k}`);
    lines.push('evil \x1b[2J\x1b]0;title\x07 done');
    const screen = renderTop(
      view(model, { pane: { title: 'captured output of gateway', lines, note: undefined } }),
      { columns: 80, rows: 24 },
      plain,
    );
    expect(screen).toHaveLength(24);
    const text = screen.join('\n');
    expect(text).toContain('captured output of gateway');
    expect(text).toContain('line 49');
    expect(text).not.toContain('line 0\n');
    expect(text).toContain('evil [2J]0;title done');
    expect(text).not.toContain('\x1b[2J');
  });

  it('says when no supervisor answers, and the question before a stop', () => {
    const missing = troubleModel('/srv/fleet/state', 'No supervisor runs for /srv/fleet/state.');
    const text = renderTop(
      view(missing, { notice: { text: 'Stop orders? y stops it', tone: 'ask' } }),
      { columns: 80, rows: 12 },
      plain,
    )
      .map(visible)
      .join('\n');
    expect(text).toContain('no supervisor');
    expect(text).toContain('No supervisor runs for /srv/fleet/state.');
    expect(text).toContain('Trying again every second');
    expect(text).toContain('Stop orders? y stops it');
  });

  it('cuts a link by its text only: the cut one still opens its whole URL', () => {
    const url = 'https://localhost:9446/publisher';
    const line = encodeLine([{ text: 'see ' }, { text: url, url }], 12, full);
    expect(line).toBe(`see \x1b]8;;${url}\x1b\\https:/…\x1b]8;;\x1b\\`);
  });
});

describe('top: keys', () => {
  it('decodes arrows in both cursor modes, typed-ahead letters, Escape and Ctrl-C', () => {
    expect(
      decodeKeys('\x1b[A\x1bOB\x1b[6~xq\x1b\x03').map((k) => (k.kind === 'char' ? k.char : k.kind)),
    ).toEqual(['up', 'down', 'page-down', 'x', 'q', 'escape', 'interrupt']);
    expect(decodeKeys('\x1b[15~j')).toEqual([{ kind: 'down' }]);
  });
});
