/** The page's style: one small sheet, system fonts, no images. */
export const pageStyle = `
:root { color-scheme: light dark; --line: #8884; --accent: #2f6fdb; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5rem 1.5rem; }
header { display: flex; align-items: baseline; gap: 1rem; }
h1 { font-size: 1.3rem; margin: 1rem 0 0.6rem; }
h2 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
#connection { color: #888; }
#problem { background: #c333; padding: 0.4rem 0.6rem; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #8881; }
tr.selected { background: #2f6fdb22; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.state { font-weight: 600; white-space: nowrap; }
tr[data-state="running"] td.state { color: #1a8a3a; }
tr[data-state="starting"] td.state, tr[data-state="waiting"] td.state, tr[data-state="stopping"] td.state { color: #b27b00; }
tr[data-state="backoff"] td.state, tr[data-state="failed"] td.state { color: #c62828; }
tr[data-state="stopped"] td.state, tr[data-state="exited"] td.state { color: #888; }
td.detail { max-width: 28rem; }
td.urls a { display: block; white-space: nowrap; color: var(--accent); }
td.actions { white-space: nowrap; }
button { font: inherit; padding: 0.1rem 0.5rem; margin-right: 0.2rem; cursor: pointer; }
#log-lines { height: 22rem; overflow: auto; margin: 0; padding: 0.5rem; border: 1px solid var(--line);
  border-radius: 4px; font: 12px/1.35 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
`;
