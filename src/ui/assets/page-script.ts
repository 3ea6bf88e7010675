/**
 * The page's script, plain JavaScript for any current browser. The fleet comes as `status` events of
 * /events, an instance's output as `line` events of /events/log/<name>; every text goes in through
 * textContent (never as HTML). Actions are POSTs carrying the custom header the server requires.
 */
export const pageScript = `'use strict';
const columns = ['name', 'product', 'offset', 'state', 'detail', 'health', 'restarts', 'uptime', 'cpu', 'memory'];
const numeric = new Set(['offset', 'restarts', 'uptime', 'cpu', 'memory']);
const maxLogLines = 1000;
const rows = new Map();
const body = document.querySelector('#fleet tbody');
const connection = document.getElementById('connection');
const problem = document.getElementById('problem');
const logPane = document.getElementById('log');
const logName = document.getElementById('log-name');
const logLines = document.getElementById('log-lines');
let selected;
let logSource;
let supervisorProblem = null;
let actionProblem = null;

/** The supervisor's absence, else the last failed action's answer (until the next action). */
function showProblem() {
  const text = supervisorProblem || actionProblem;
  problem.textContent = text || '';
  problem.hidden = !text;
}

function duration(seconds) {
  if (seconds === null) return '-';
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
}

function cellTexts(i) {
  return {
    name: i.name, product: i.product, offset: String(i.offset), state: i.state, detail: i.detail || '',
    health: i.health, restarts: String(i.restarts), uptime: duration(i.uptimeSeconds),
    cpu: i.cpuPercent === null ? '-' : i.cpuPercent.toFixed(1) + ' %',
    memory: i.memoryBytes === null ? '-' : Math.round(i.memoryBytes / 1048576) + ' MB',
  };
}

function makeRow(name) {
  const tr = document.createElement('tr');
  tr.dataset.name = name;
  const cells = {};
  for (const column of columns) {
    const td = document.createElement('td');
    td.className = column + (numeric.has(column) ? ' num' : '');
    cells[column] = td;
    tr.append(td);
  }
  cells.urls = document.createElement('td');
  cells.urls.className = 'urls';
  const actions = document.createElement('td');
  actions.className = 'actions';
  for (const action of ['start', 'stop', 'restart']) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action;
    button.dataset.action = action;
    button.addEventListener('click', () => act(action, name, actions));
    actions.append(button);
  }
  tr.append(cells.urls, actions);
  tr.addEventListener('click', (event) => {
    if (!event.target.closest('a, button')) select(name);
  });
  return { tr, cells, urls: '' };
}

function render(view) {
  connection.textContent = view.supervised ? 'live' : 'no supervisor';
  supervisorProblem = view.problem;
  showProblem();
  const names = new Set(view.instances.map((i) => i.name));
  for (const [name, row] of rows) {
    if (!names.has(name)) {
      row.tr.remove();
      rows.delete(name);
    }
  }
  for (const i of view.instances) {
    let row = rows.get(i.name);
    if (!row) {
      row = makeRow(i.name);
      rows.set(i.name, row);
    }
    const texts = cellTexts(i);
    for (const column of columns) {
      if (row.cells[column].textContent !== texts[column]) row.cells[column].textContent = texts[column];
    }
    row.tr.dataset.state = i.state;
    const urls = JSON.stringify(i.urls);
    if (row.urls !== urls) {
      row.urls = urls;
      row.cells.urls.replaceChildren(...i.urls.map((u) => {
        const a = document.createElement('a');
        a.href = u.href;
        a.textContent = u.label;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        return a;
      }));
    }
    body.append(row.tr);
  }
}

async function act(action, name, buttons) {
  for (const b of buttons.children) b.disabled = true;
  actionProblem = null;
  showProblem();
  try {
    const response = await fetch('/api/' + action, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-by': 'wso2-supervisor-ui' },
      body: JSON.stringify({ name }),
    });
    const answer = await response.json();
    if (!answer.ok) actionProblem = action + ' ' + name + ': ' + answer.message;
  } catch (error) {
    actionProblem = action + ' ' + name + ': ' + error.message;
  } finally {
    showProblem();
    for (const b of buttons.children) b.disabled = false;
  }
}

function appendLine(text) {
  const atEnd = logLines.scrollTop + logLines.clientHeight >= logLines.scrollHeight - 4;
  logLines.append(text + '\\n');
  while (logLines.childNodes.length > maxLogLines) logLines.firstChild.remove();
  if (atEnd) logLines.scrollTop = logLines.scrollHeight;
}

function select(name) {
  selected = name;
  for (const row of rows.values()) row.tr.classList.toggle('selected', row.tr.dataset.name === name);
  if (logSource) logSource.close();
  logName.textContent = name;
  logPane.dataset.following = '';
  logLines.replaceChildren();
  logSource = new EventSource('/events/log/' + encodeURIComponent(name));
  // After a reconnection the server sends the last lines again: start afresh rather than twice.
  logSource.addEventListener('ready', () => {
    logLines.replaceChildren();
    logPane.dataset.following = name;
  });
  logSource.addEventListener('line', (event) => appendLine(JSON.parse(event.data)));
  logSource.addEventListener('dropped', (event) => appendLine('[' + JSON.parse(event.data) + ' lines not shown: the page fell behind]'));
  logSource.addEventListener('error', () => {
    logPane.dataset.following = '';
    if (logSource.readyState === EventSource.CLOSED && selected === name) logName.textContent = name + ' (not available)';
  });
}

const events = new EventSource('/events');
events.addEventListener('status', (event) => render(JSON.parse(event.data)));
events.addEventListener('error', () => {
  connection.textContent = 'reconnecting to the ui process…';
});
`;
