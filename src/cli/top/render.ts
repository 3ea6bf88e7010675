import type { InstanceState } from '../../state/instance-record.js';
import { formatDuration } from '../local-time.js';
import type { TopModel, TopRow } from './model.js';
import { encodeLine, padEnd, padStart, printable, type Span, type Terminal, wrap } from './spans.js';

/**
 * `top`'s screen as lines, from the model, what the user has opened and the terminal's size. Pure, so the
 * layout is tested without a terminal. Each instance takes a row, its detail (inline when the terminal is
 * wide enough) and a line of URLs; when the fleet does not fit that way, one row each, and the selected
 * instance's detail and URLs under them.
 */

/** The log pane: whose log, its last lines, or why there are none. */
export interface PaneView {
  readonly title: string;
  readonly lines: readonly string[];
  readonly note: string | undefined;
}

/** A line for the user: what an action did, an error, or a question (stop's confirmation). */
export interface Notice {
  readonly text: string;
  readonly tone: 'info' | 'error' | 'ask';
}

export interface TopView {
  readonly model: TopModel;
  readonly selected: string | undefined;
  readonly pane: PaneView | undefined;
  readonly notice: Notice | undefined;
}

export interface Size {
  readonly columns: number;
  readonly rows: number;
}

export const keyHelp = 'q quit  ↑↓ select  s start  x stop  r restart  l log  c Carbon log';
const minimum: Size = { columns: 40, rows: 8 };
/** Below this many columns left for it, the detail goes on a line of its own. */
const inlineDetailWidth = 24;
const indent = '    ';

const stateColours: Record<InstanceState, string> = {
  running: '32',
  starting: '36',
  waiting: '36',
  stopping: '33',
  backoff: '33',
  failed: '1;31',
  stopped: '2',
  exited: '2',
};

interface Column {
  readonly title: string;
  readonly width: number;
  readonly right?: boolean;
  readonly cell: (row: TopRow) => Span;
  /** Columns with a rank give way on a narrow terminal, rank 1 first; state and offset always stay. */
  readonly givesWay?: number;
}

const columns: readonly Column[] = [
  { title: 'STATE', width: 8, cell: (r) => ({ text: r.state, sgr: stateColours[r.state] }) },
  { title: 'OFFSET', width: 6, right: true, cell: (r) => ({ text: String(r.offset) }) },
  {
    title: 'PID',
    width: 7,
    right: true,
    givesWay: 6,
    cell: (r) => ({ text: r.pid === null ? '-' : String(r.pid) }),
  },
  { title: 'UPTIME', width: 7, right: true, givesWay: 2, cell: (r) => ({ text: duration(r.uptimeMs) }) },
  { title: 'RST', width: 3, right: true, givesWay: 1, cell: (r) => ({ text: String(r.restarts) }) },
  { title: 'CPU', width: 6, right: true, givesWay: 4, cell: (r) => ({ text: cpu(r.cpuPercent) }) },
  { title: 'MEM', width: 7, right: true, givesWay: 3, cell: (r) => ({ text: memory(r.memoryBytes) }) },
  { title: 'HEALTH', width: 8, givesWay: 5, cell: health },
];

export function renderTop(view: TopView, size: Size, terminal: Terminal): string[] {
  const { columns: width, rows: height } = size;
  const line = (spans: readonly Span[], fill?: string) => encodeLine(spans, width, terminal, fill);
  if (width < minimum.columns || height < minimum.rows)
    return [line([{ text: `top needs ${minimum.columns}x${minimum.rows} at least; q quits` }])];
  const { model, pane, notice } = view;
  const supervisor =
    model.supervisorPid === undefined ? 'no supervisor' : `supervisor pid ${model.supervisorPid}`;
  const header = line([{ text: ` wso2-supervisor top  ${supervisor}  ${model.stateDir}`, sgr: '7' }], '7');
  // The header, the notice and the keys take a line each; the pane, if open, half of the rest.
  const paneHeight = pane === undefined ? 0 : Math.min(Math.max(4, Math.floor((height - 3) / 2)), height - 6);
  const tableHeight = height - 3 - paneHeight;
  const table = tableLines(view, width, tableHeight)
    .slice(0, tableHeight)
    .map((spans) => line(spans.spans, spans.fill));
  while (table.length < tableHeight) table.push('');
  const paneLines = pane === undefined ? [] : renderPane(pane, paneHeight).map((s) => line(s.spans, s.fill));
  const noticeColour = notice?.tone === 'error' ? '31' : notice?.tone === 'ask' ? '1;33' : undefined;
  const noticeLine = line([
    { text: printable(notice?.text ?? ''), ...(noticeColour && { sgr: noticeColour }) },
  ]);
  return [header, ...table, ...paneLines, noticeLine, line([{ text: keyHelp, sgr: '2' }])];
}

interface Line {
  readonly spans: readonly Span[];
  readonly fill?: string;
}

function tableLines(view: TopView, width: number, height: number): Line[] {
  const { model } = view;
  if (model.trouble !== undefined) {
    const said = wrap(printable(model.trouble), width - 2).map((text) => ({
      spans: [{ text: ` ${text}`, sgr: '33' }],
    }));
    return [{ spans: [] }, ...said, { spans: [{ text: ' Trying again every second; q quits.' }] }];
  }
  if (model.rows.length === 0)
    return [{ spans: [] }, { spans: [{ text: ' The supervisor has no instances.' }] }];
  const nameWidth = Math.max(4, ...model.rows.map((r) => r.name.length));
  const shownColumns = columnsFor(width - 2 - Math.min(nameWidth, 12) - 1);
  const fixed = 2 + shownColumns.reduce((sum, c) => sum + c.width + 1, 0);
  const nameShown = Math.min(nameWidth, width - fixed - 1);
  const showProduct = width - fixed - nameShown >= 12 + inlineDetailWidth;
  const productWidth = showProduct ? Math.max(7, ...model.rows.map((r) => r.product.length)) : 0;
  const used = fixed + nameShown + 1 + (showProduct ? productWidth + 1 : 0);
  const inline = width - used >= inlineDetailWidth;
  const layout: Layout = { nameWidth: nameShown, productWidth, inline, shown: shownColumns };
  const titles: Span[] = [
    { text: `  ${padEnd('NAME', layout.nameWidth)} ` },
    ...(showProduct ? [{ text: `${padEnd('PRODUCT', productWidth)} ` }] : []),
    ...shownColumns.map((c) => ({
      text: `${c.right ? padStart(c.title, c.width) : padEnd(c.title, c.width)} `,
    })),
    ...(inline ? [{ text: 'DETAIL' }] : []),
  ];
  const head: Line = { spans: titles.map((t) => ({ ...t, sgr: '1' })) };
  const perInstance = 1 + (inline ? 0 : 1) + 1;
  const room = height - 1;
  const selectedAt = Math.max(
    0,
    model.rows.findIndex((r) => r.name === view.selected),
  );
  if (model.rows.length * perInstance <= room) {
    return [
      head,
      ...model.rows.flatMap((row, k) => [
        rowLine(row, layout, k === selectedAt),
        ...(inline ? [] : [detailLine(row)]),
        urlLine(row),
      ]),
    ];
  }
  // Too many to show in full: one row each, scrolled to keep the selection in view, its details below.
  const selected = model.rows[selectedAt] as TopRow;
  const below = [...(inline ? [] : [detailLine(selected)]), urlLine(selected)];
  const window = Math.max(1, room - below.length - 1);
  const first = Math.max(0, Math.min(selectedAt - Math.floor(window / 2), model.rows.length - window));
  const visibleRows = model.rows.slice(first, first + window);
  return [
    head,
    ...visibleRows.map((row, k) => rowLine(row, layout, first + k === selectedAt)),
    { spans: [{ text: ` ${selected.name}:`, sgr: '2' }] },
    ...below,
  ];
}

interface Layout {
  readonly nameWidth: number;
  /** 0: no product column. */
  readonly productWidth: number;
  readonly inline: boolean;
  readonly shown: readonly Column[];
}

/** The columns that fit in `room`, those of lowest rank left out first. */
function columnsFor(room: number): Column[] {
  let shown = [...columns];
  const widthOf = (list: readonly Column[]) => list.reduce((sum, c) => sum + c.width + 1, 0);
  for (let rank = 1; widthOf(shown) > room && rank <= columns.length; rank++)
    shown = shown.filter((c) => c.givesWay !== rank);
  return shown;
}

function rowLine(row: TopRow, layout: Layout, selected: boolean): Line {
  const spans: Span[] = [
    { text: `${selected ? '>' : ' '} ${padEnd(row.name, layout.nameWidth)} `, sgr: '1' },
    ...(layout.productWidth > 0 ? [{ text: `${padEnd(row.product, layout.productWidth)} ` }] : []),
    ...layout.shown.flatMap((c) => {
      const cell = c.cell(row);
      const text = c.right ? padStart(cell.text, c.width) : padEnd(cell.text, c.width);
      return [{ ...cell, text }, { text: ' ' }];
    }),
    ...(layout.inline ? [detailSpan(row)] : []),
  ];
  if (!selected) return { spans };
  // The selection in inverse video, whatever the colours (NO_COLOR keeps it).
  return { spans: spans.map((s) => ({ ...s, sgr: s.sgr === undefined ? '7' : `${s.sgr};7` })), fill: '7' };
}

function detailLine(row: TopRow): Line {
  return { spans: [{ text: indent }, detailSpan(row)] };
}

/** What it waits for; a busy port (and its holder) or a failure stands out. */
function detailSpan(row: TopRow): Span {
  const text = printable(row.detail);
  if (row.state === 'failed') return { text, sgr: '31' };
  if (row.busyPort !== null) return { text, sgr: '33' };
  return { text, sgr: '2' };
}

/**
 * Its URLs as OSC 8 links, a URL on the same host and port as the one before shown by its path alone
 * (`https://localhost:9446/publisher /devportal /admin`): clicked, each opens its whole URL, even when
 * the line had to cut its text.
 */
function urlLine(row: TopRow): Line {
  if (row.urls.length === 0)
    return { spans: [{ text: `${indent}(no URLs known for ${row.product})`, sgr: '2' }] };
  const sgr = row.state === 'running' ? '36' : '2';
  const spans: Span[] = [{ text: indent }];
  let origin = '';
  for (const url of row.urls) {
    const { origin: here, pathname } = new URL(url);
    spans.push(
      here === origin
        ? { text: ` ${pathname}`, url, sgr }
        : { text: `${origin ? '  ' : ''}${url}`, url, sgr },
    );
    origin = here;
  }
  return { spans };
}

function renderPane(pane: PaneView, height: number): Line[] {
  const body = height - 1;
  const lines: Line[] = pane.lines.slice(-body).map((text) => ({ spans: [{ text: printable(text) }] }));
  if (lines.length === 0 && pane.note !== undefined)
    lines.push({ spans: [{ text: printable(pane.note), sgr: '2' }] });
  while (lines.length < body) lines.push({ spans: [] });
  return [{ spans: [{ text: ` ${printable(pane.title)}`, sgr: '7' }], fill: '7' }, ...lines];
}

function health(row: TopRow): Span {
  if (row.health === null) return { text: '-' };
  const age = row.health.ageMs === null ? '' : ` ${formatDuration(Math.round(row.health.ageMs / 1000))}`;
  return row.health.ok ? { text: `ok${age}`, sgr: '32' } : { text: `fail${age}`, sgr: '31' };
}

function duration(ms: number | null): string {
  return ms === null ? '-' : formatDuration(Math.round(ms / 1000));
}

function cpu(percent: number | null): string {
  return percent === null ? '-' : `${percent.toFixed(1)}%`;
}

function memory(bytes: number | null): string {
  if (bytes === null) return '-';
  const mb = bytes / 1024 / 1024;
  return mb < 10_000 ? `${Math.round(mb)} MB` : `${(mb / 1024).toFixed(1)} GB`;
}
