// courierd's operator console: plain JavaScript, no library, served by courierd itself
// (console/, compiled into the binary). It reads the admin API every few seconds and repairs
// through it; see docs/admin-api.md. Nothing here is trusted by the server: every action is
// checked there again.
'use strict';

const REFRESH_MS = 4000;
const TOKEN_KEY = 'courierd.token';

const state = {
  sources: [],
  history: null,
  problems: { source: '', state: 'failed' },
  selected: new Set(), // "source\u0000id" of the failed rows ticked
  open: new Set(),     // sources whose details are open
  down: false,
};

// ---- small helpers ---------------------------------------------------------------------

const $ = (selector, root = document) => root.querySelector(selector);

// An element: el('td', {class: 'x', title: 't'}, 'text', child, …). Text is always text.
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Puts `children` in place of what `container` holds, keeping what the operator was doing: the
// focus stays on the control with the same data-key, and inputs keep what was typed (a refresh
// never takes the keyboard away or wipes a half-written form).
const drafts = new Map(); // what was typed into inputs that a refresh re-renders, by data-key
document.addEventListener('input', (event) => {
  const key = event.target.dataset && event.target.dataset.key;
  if (key && event.target.type !== 'checkbox') drafts.set(key, event.target.value);
});

function replace(container, ...children) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  for (const input of container.querySelectorAll('input[data-key]')) {
    if (drafts.has(input.dataset.key)) input.value = drafts.get(input.dataset.key);
  }
  if (focused) {
    const again = container.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

// A time in the browser's zone, UTC on hover.
function when(text) {
  if (!text) return el('span', { class: 'muted' }, 'never');
  const time = new Date(text);
  return el('time', { datetime: text, title: time.toISOString() }, time.toLocaleString());
}

function seconds(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${value.toFixed(1)} s`;
  if (value < 7200) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

function count(value) {
  return value === null || value === undefined ? '–' : Number(value).toLocaleString();
}

// A sparkline of `values` (nulls are gaps), as inline SVG built node by node.
function sparkline(values, label) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 120 24');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const known = values.filter((v) => v !== null && v !== undefined);
  if (known.length === 0) return svg;
  const top = Math.max(...known, 1e-9);
  const step = values.length > 1 ? 120 / (values.length - 1) : 0;
  let path = '';
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const x = (i * step).toFixed(1);
    const y = (22 - (v / top) * 20).toFixed(1);
    path += `${path && values[i - 1] !== null && values[i - 1] !== undefined ? 'L' : 'M'}${x},${y}`;
  });
  const line = document.createElementNS(ns, 'path');
  line.setAttribute('d', path);
  svg.append(line);
  const title = document.createElementNS(ns, 'title');
  title.textContent = label;
  svg.append(title);
  return svg;
}

function toast(text, bad = false) {
  const box = $('#toast');
  box.textContent = text;
  box.className = bad ? 'bad' : '';
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, bad ? 8000 : 3000);
}

// ---- the API ---------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// What an operator reads of a failure: 401, 404, 409 and 503 each said plainly.
function explain(error) {
  if (!(error instanceof ApiError)) return `courierd did not answer: ${error.message}`;
  switch (error.status) {
    case 401: return 'The admin token is missing or wrong.';
    case 404: return `Not found: ${error.message}`;
    case 409: return `Refused for now: ${error.message}`;
    case 503: return `The database is not answering: ${error.message}`;
    default: return `${error.code || error.status}: ${error.message}`;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
  } catch (e) {
    throw new Error(e.message || 'network error');
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    if (response.status === 401) askForToken();
    throw new ApiError(response.status, json && json.code, (json && json.message) || text || response.statusText);
  }
  return json;
}

// An operator's action: its errors shown, the view refreshed after.
async function act(what, run) {
  try {
    const result = await run();
    toast(what);
    await refresh(true);
    return result;
  } catch (e) {
    toast(`${what}: ${explain(e)}`, true);
    return null;
  }
}

function askForToken() {
  const dialog = $('#token-dialog');
  if (!dialog.open) dialog.showModal();
}

// A destructive action asks first, with a reason for the audit trail; resolves to the reason
// or null.
function confirmWithReason(text, action) {
  const dialog = $('#confirm-dialog');
  const form = $('#confirm-form');
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = action;
  form.reset();
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok' ? form.elements.reason.value.trim() || null : null);
    }, { once: true });
  });
}

// ---- sources ---------------------------------------------------------------------------

const STATE_WORDS = {
  running: 'running', paused: 'paused', backing_off: 'backing off', standby: 'standby here',
};

function lagHistory(name) {
  const points = (state.history && state.history.points) || [];
  return points.map((p) => (name in p.lag_seconds ? p.lag_seconds[name] : null));
}

function renderSources() {
  const list = $('#source-list');
  if (state.sources.length === 0) {
    replace(list, el('p', { class: 'muted' }, 'No source is configured.'));
    return;
  }
  replace(list, state.sources.map((source) => {
    const name = source.name;
    const records = source.records || {};
    const paused = source.state === 'paused';
    const details = el('details', {
      'data-source': name,
      open: state.open.has(name),
      ontoggle: (event) => {
        if (event.target.open) { state.open.add(name); loadSourceDetails(name, event.target); }
        else state.open.delete(name);
      },
    },
    el('summary', { 'data-key': `details:${name}` }, 'Cursor history and replays'),
    el('div', { class: 'source-details' }, el('p', { class: 'muted' }, 'Loading…')));
    if (state.open.has(name)) loadSourceDetails(name, details);
    return el('article', { class: 'source card', 'data-source': name },
      el('header', {},
        el('h3', {}, name),
        el('span', { class: `badge state-${source.state}`, 'data-state': source.state },
          STATE_WORDS[source.state] || source.state),
        el('span', { class: 'muted' }, `${source.plugin} ${source.plugin_version}, every ${source.interval}`)),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Freshness lag'),
        el('dd', {}, el('span', { class: 'lag' }, seconds(source.lag_seconds)),
          sparkline(lagHistory(name), `lag of ${name}, last 15 minutes`)),
        el('dt', {}, 'Last success'), el('dd', {}, when(source.last_success_at)),
        el('dt', {}, 'Last error'),
        el('dd', { class: source.last_error ? 'bad' : 'muted' }, source.last_error || 'none'),
        el('dt', {}, 'Records'),
        el('dd', { class: 'records' }, ['pending', 'assigned', 'skipped', 'failed', 'rejected'].map((s) =>
          el('span', { class: `count count-${s}`, 'data-count': s }, `${s} ${count(records[s])}`))),
        el('dt', {}, 'Cursor'),
        el('dd', {}, el('code', { class: 'cursor', title: source.cursor || '' },
          source.cursor ? (source.cursor.length > 80 ? `${source.cursor.slice(0, 80)}…` : source.cursor) : 'none'))),
      el('div', { class: 'actions' },
        paused
          ? el('button', { type: 'button', 'data-action': 'resume', 'data-key': `toggle:${name}`, onclick: () => act(`Resumed ${name}`, () => api('POST', `/api/v1/sources/${encodeURIComponent(name)}/resume`)) }, 'Resume')
          : el('button', { type: 'button', 'data-action': 'pause', 'data-key': `toggle:${name}`, onclick: () => act(`Paused ${name}`, () => api('POST', `/api/v1/sources/${encodeURIComponent(name)}/pause`)) }, 'Pause'),
        el('button', { type: 'button', 'data-action': 'trigger', 'data-key': `trigger:${name}`, onclick: () => act(`Asked ${name} to poll now`, () => api('POST', `/api/v1/sources/${encodeURIComponent(name)}/trigger`)) }, 'Poll now'),
        el('button', {
          type: 'button', class: 'danger', 'data-action': 'reset', 'data-key': `reset:${name}`, disabled: !paused,
          title: paused ? 'Read the source from its start again' : 'Pause the source first',
          onclick: async () => {
            const reason = await confirmWithReason(`Reset the cursor of ${name}: it reads from its start again (orders already stored are not stored twice).`, 'Reset cursor');
            if (reason) await act(`Reset the cursor of ${name}`, () => api('PUT', `/api/v1/sources/${encodeURIComponent(name)}/cursor`, { reset: true, reason }));
          },
        }, 'Reset cursor')),
      details);
  }));
}

async function loadSourceDetails(name, details) {
  const box = $('.source-details', details);
  const path = `/api/v1/sources/${encodeURIComponent(name)}`;
  try {
    const [history, replays] = await Promise.all([
      api('GET', `${path}/cursor/history?limit=10`), api('GET', `${path}/replays?limit=10`)]);
    const form = el('form', {
      class: 'inline replay-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const from = new Date(event.target.elements.from.value);
        const to = new Date(event.target.elements.to.value);
        if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) { toast('Give both times', true); return; }
        if (await act(`Replay of ${name} started`, () => api('POST', `${path}/replays`, { from: from.toISOString(), to: to.toISOString() })) !== null) {
          drafts.delete(`from:${name}`);
          drafts.delete(`to:${name}`);
        }
      },
    },
    el('label', {}, 'From ', el('input', { type: 'datetime-local', name: 'from', required: true, step: 1, 'data-key': `from:${name}` })),
    el('label', {}, 'To ', el('input', { type: 'datetime-local', name: 'to', required: true, step: 1, 'data-key': `to:${name}` })),
    el('button', { type: 'submit', 'data-key': `replay:${name}` }, 'Replay this range'));
    replace(box,
      el('h4', {}, 'Replays'),
      form,
      replays.items.length === 0 ? el('p', { class: 'muted' }, 'No replay.') : el('table', {},
        el('thead', {}, el('tr', {}, ['Range', 'State', 'Read', 'New', 'Error', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, replays.items.map((r) => el('tr', { 'data-replay': r.id },
          el('td', {}, when(r.from), ' – ', when(r.to)),
          el('td', {}, el('span', { class: `badge replay-${r.state}` }, r.state)),
          el('td', {}, count(r.records_read)), el('td', {}, count(r.records_new)),
          el('td', { class: 'bad' }, r.error || ''),
          el('td', {}, r.state === 'running' ? el('button', { type: 'button', onclick: () => act(`Replay ${r.id} canceled`, () => api('DELETE', `${path}/replays/${r.id}`)) }, 'Cancel') : ''))))),
      el('h4', {}, 'Cursor history'),
      history.items.length === 0 ? el('p', { class: 'muted' }, 'No operator has changed it.') : el('table', {},
        el('thead', {}, el('tr', {}, ['When', 'Reason', 'From', 'Cursor'].map((h) => el('th', {}, h)))),
        el('tbody', {}, history.items.map((c) => el('tr', {},
          el('td', {}, when(c.at)), el('td', {}, c.reason || ''), el('td', {}, c.remote || ''),
          el('td', {}, el('code', {}, (c.cursor || '').slice(0, 60))))))));
  } catch (e) {
    replace(box, el('p', { class: 'bad' }, explain(e)));
  }
}

// ---- assignment ------------------------------------------------------------------------

function renderAssignment() {
  const pending = state.sources.reduce((sum, s) => sum + ((s.records && s.records.pending) || 0), 0);
  $('#pending').textContent = `${count(pending)} orders`;
  const points = (state.history && state.history.points) || [];
  const last = points.length ? points[points.length - 1] : null;
  $('#rate').textContent = last && last.assigned_per_minute !== null ? `${last.assigned_per_minute.toFixed(1)} /min` : '–';
  $('#p50').textContent = last ? seconds(last.latency_p50_seconds) : '–';
  $('#p99').textContent = last ? seconds(last.latency_p99_seconds) : '–';
  replace($('#rate-line'), sparkline(points.map((p) => p.assigned_per_minute), 'assigned per minute, last 15 minutes'));
  replace($('#p99-line'), sparkline(points.map((p) => p.latency_p99_seconds), 'latency p99, last 15 minutes'));
}

async function loadEnded() {
  const page = await api('GET', '/api/v1/deliveries?ended=true&limit=20');
  const box = $('#ended');
  if (page.items.length === 0) { replace(box, el('p', { class: 'muted' }, 'None: no source canceled or deleted an order after its courier was sent.')); return; }
  replace(box, el('table', {},
    el('thead', {}, el('tr', {}, ['Order', 'Courier', 'Assigned', 'Ended', 'Why'].map((h) => el('th', {}, h)))),
    el('tbody', {}, page.items.map((d) => el('tr', {},
      el('td', {}, `${d.source} / ${d.order_id}`), el('td', {}, `#${d.courier_id}`),
      el('td', {}, when(d.assigned_at)), el('td', {}, when(d.ended_at)),
      el('td', {}, (d.end_reason || '').replaceAll('_', ' ')))))));
}

// ---- couriers --------------------------------------------------------------------------

async function loadCouriers() {
  const couriers = await api('GET', '/api/v1/couriers');
  const columns = { available: [], busy: [], paused: [] };
  for (const c of couriers.items || couriers) (columns[c.status] || (columns[c.status] = [])).push(c);
  replace($('#board'), Object.entries(columns).map(([status, list]) => el('div', { class: 'column', 'data-status': status },
    el('h3', {}, `${status} (${list.length})`),
    list.slice(0, 200).map((c) => el('div', { class: 'card courier', 'data-courier': c.id },
      el('strong', {}, c.name), ' ', el('span', { class: 'muted' }, c.transport_type.replaceAll('_', ' ')),
      c.status === 'busy' ? el('div', {}, `${c.active_source} / ${c.active_order_id}`, el('br'), 'due ', when(c.busy_until)) : null,
      c.status === 'available' ? el('button', { type: 'button', 'data-key': `courier:${c.id}`, onclick: () => act(`Paused ${c.name}`, () => api('PATCH', `/api/v1/couriers/${c.id}`, { status: 'paused' })) }, 'Pause') : null,
      c.status === 'paused' ? el('button', { type: 'button', 'data-key': `courier:${c.id}`, onclick: () => act(`Resumed ${c.name}`, () => api('PATCH', `/api/v1/couriers/${c.id}`, { status: 'available' })) }, 'Resume') : null)),
    list.length > 200 ? el('p', { class: 'muted' }, `and ${list.length - 200} more`) : null)));
}

// ---- problems --------------------------------------------------------------------------

async function loadProblems() {
  const query = new URLSearchParams({ state: state.problems.state, limit: '100' });
  if (state.problems.source) query.set('source', state.problems.source);
  const page = await api('GET', `/api/v1/inbox?${query}`);
  const box = $('#problem-list');
  const failed = state.problems.state === 'failed';
  const keys = new Set(page.items.map((r) => `${r.source}\u0000${r.id}`));
  for (const key of [...state.selected]) if (!keys.has(key)) state.selected.delete(key);
  $('#retry-selected').disabled = !failed || state.selected.size === 0;
  if (page.items.length === 0) { replace(box, el('p', { class: 'muted' }, `No ${state.problems.state} order.`)); return; }
  replace(box, el('table', { class: 'problems' },
    el('thead', {}, el('tr', {},
      failed ? el('th', {}, el('input', {
        type: 'checkbox', 'aria-label': 'Select every row', 'data-key': 'select-all',
        onchange: (event) => {
          for (const r of page.items) {
            const key = `${r.source}\u0000${r.id}`;
            if (event.target.checked) state.selected.add(key); else state.selected.delete(key);
          }
          renderSelection();
        },
      })) : null,
      ['Source', 'Order', 'Attempts', 'Why', 'Updated'].map((h) => el('th', {}, h)))),
    el('tbody', {}, page.items.map((r) => {
      const key = `${r.source}\u0000${r.id}`;
      return el('tr', { 'data-order': r.id },
        failed ? el('td', {}, el('input', {
          type: 'checkbox', 'aria-label': `Select ${r.id}`, checked: state.selected.has(key), 'data-key': `select:${key}`,
          onchange: (event) => { if (event.target.checked) state.selected.add(key); else state.selected.delete(key); renderSelection(); },
        })) : null,
        el('td', {}, r.source), el('td', {}, el('code', {}, r.id)), el('td', {}, count(r.attempts)),
        el('td', { class: 'bad' }, r.last_error || r.reason || ''), el('td', {}, when(r.updated_at)));
    }))));
}

function renderSelection() {
  const button = $('#retry-selected');
  button.disabled = state.problems.state !== 'failed' || state.selected.size === 0;
  button.textContent = state.selected.size ? `Retry selected (${state.selected.size})` : 'Retry selected';
}

async function retrySelected() {
  const bySource = new Map();
  for (const key of state.selected) {
    const [source, id] = key.split('\u0000');
    if (!bySource.has(source)) bySource.set(source, []);
    bySource.get(source).push(id);
  }
  await act(`Retried ${state.selected.size} order(s)`, async () => {
    for (const [source, ids] of bySource) await api('POST', '/api/v1/inbox/retry', { source, ids });
    state.selected.clear();
  });
  renderSelection();
}

// ---- ledger ----------------------------------------------------------------------------

async function findOrder(source, id) {
  const box = $('#ledger-result');
  try {
    const order = await api('GET', `/api/v1/orders/${encodeURIComponent(source)}/${encodeURIComponent(id)}`);
    const row = order.inbox || order.record || order;
    const delivery = order.delivery;
    replace(box, el('article', { class: 'card ledger', 'data-order': id },
      el('h3', {}, `${source} / ${id}`),
      row && row.state ? el('dl', { class: 'facts' },
        el('dt', {}, 'State'), el('dd', {}, el('span', { class: `badge count-${row.state}` }, row.state)),
        el('dt', {}, 'Why'), el('dd', {}, row.reason || row.last_error || '–'),
        el('dt', {}, 'Created'), el('dd', {}, when(row.created_at)),
        el('dt', {}, 'Fetched'), el('dd', {}, when(row.fetched_at)),
        el('dt', {}, 'Attempts'), el('dd', {}, count(row.attempts))) : null,
      delivery ? el('div', {},
        el('h4', {}, 'Delivery'),
        el('p', {}, `courier #${delivery.courier_id}, assigned `, when(delivery.assigned_at), ', due ', when(delivery.deadline),
          delivery.ended_at ? [', ended ', when(delivery.ended_at), ` (${(delivery.end_reason || '').replaceAll('_', ' ')})`] : ''),
        delivery.active ? el('button', {
          type: 'button', class: 'danger', 'data-action': 'unassign',
          onclick: async () => {
            const reason = await confirmWithReason(`Unassign courier #${delivery.courier_id} from ${source} / ${id}: the order goes back to pending.`, 'Unassign');
            if (reason) {
              await act(`Unassigned ${source} / ${id}`, () => api('DELETE', `/api/v1/deliveries/${encodeURIComponent(source)}/${encodeURIComponent(id)}?${new URLSearchParams({ reason })}`));
              await findOrder(source, id);
            }
          },
        }, 'Unassign') : null) : el('p', { class: 'muted' }, 'No delivery.'),
      (order.unassignments || []).length ? el('div', {},
        el('h4', {}, 'Unassigned by operators'),
        el('ul', { class: 'audit' }, order.unassignments.map((u) => el('li', {},
          when(u.at), ` courier #${u.courier_id}${u.requeued ? ', back to pending' : ', skipped'}: `,
          u.reason ? el('q', {}, u.reason) : el('span', { class: 'muted' }, 'no reason given'),
          u.remote ? el('span', { class: 'muted' }, ` (from ${u.remote})`) : null)))) : null,
      el('details', {}, el('summary', {}, 'Everything the ledger holds'), el('pre', {}, JSON.stringify(order, null, 2)))));
  } catch (e) {
    replace(box, el('p', { class: 'bad' }, explain(e)));
  }
}

// ---- the loop --------------------------------------------------------------------------

function fillSourceSelects() {
  for (const select of [$('#problem-source'), $('#ledger-source')]) {
    const chosen = select.value;
    const names = state.sources.map((s) => s.name);
    const have = [...select.options].map((o) => o.value).filter((v) => v !== '');
    if (have.join('\n') === names.join('\n')) continue;
    const keep = select.id === 'problem-source' ? [el('option', { value: '' }, 'any')] : [];
    replace(select, keep, names.map((n) => el('option', { value: n }, n)));
    if (names.includes(chosen)) select.value = chosen;
  }
}

function setDown(why) {
  const banner = $('#banner');
  state.down = Boolean(why);
  banner.hidden = !why;
  banner.textContent = why ? `${why} The page shows what it read last and retries by itself.` : '';
  document.body.classList.toggle('stale', state.down);
}

let refreshing = null;
// Reads everything again. One read runs at a time; `fresh` (after an action) waits for one
// already on its way, which may have read before the action, and reads once more.
async function refresh(fresh = false) {
  if (refreshing) {
    if (!fresh) return refreshing;
    await refreshing.catch(() => {});
    if (refreshing) return refreshing;
  }
  refreshing = (async () => {
    try {
      const [sources, history] = await Promise.all([api('GET', '/api/v1/sources'), api('GET', '/api/v1/history')]);
      state.sources = sources.items || sources;
      state.history = history;
      fillSourceSelects();
      renderSources();
      renderAssignment();
      await Promise.all([loadCouriers(), loadProblems(), loadEnded()]);
      setDown(null);
      $('#refreshed').textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setDown('The admin token is missing or wrong.');
      else setDown(explain(e));
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function start() {
  $('#token-form').addEventListener('submit', (event) => {
    const token = event.target.elements.token.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    event.target.reset();
    setTimeout(refresh, 0);
  });
  $('#problem-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    state.problems = { source: event.target.elements.source.value, state: event.target.elements.state.value };
    state.selected.clear();
    refresh();
  });
  $('#retry-selected').addEventListener('click', retrySelected);
  $('#ledger-search').addEventListener('submit', (event) => {
    event.preventDefault();
    findOrder(event.target.elements.source.value, event.target.elements.id.value.trim());
  });
  $('#add-courier').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { name: form.elements.name.value.trim(), transport_type: form.elements.transport.value };
    if (form.elements.phone.value.trim()) body.phone = form.elements.phone.value.trim();
    if (await act(`Added ${body.name}`, () => api('POST', '/api/v1/couriers', body)) !== null) form.reset();
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', start);
