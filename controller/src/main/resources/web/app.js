// The web view (docs/web.md): the lab's live topology, nodes and links with their counters, actions
// and consoles. Everything goes through the socket API's JSON-RPC (rpc.js); the page keeps what the
// lab said last and redraws from it when an event arrives.
import { Rpc } from './rpc.js';
import { drawTopology } from './topology.js';
import { openConsole } from './console.js';

const rpc = new Rpc();
const lab = { nodes: [], links: [], counters: new Map(), previous: null, rates: new Map(), usage: new Map(), details: new Map() };
const positions = {};
const consoles = new Map();
const rows = new Map();

/** An element with attributes and children (strings become text, never HTML). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Runs an action, showing its error (or clearing the last one) in the given element. */
async function act(errorElement, what) {
  errorElement.textContent = '';
  try {
    return await what();
  } catch (e) {
    errorElement.textContent = e.message;
    return undefined;
  }
}

// ---- nodes ----

function nodeRow(n) {
  const key = 'node:' + n.name;
  if (rows.has(key)) return rows.get(key);
  const error = el('span', { class: 'error' });
  const cells = { state: el('td'), boot: el('td'), cpu: el('td'), mem: el('td') };
  const startStop = el('button', { 'data-action': 'node-stop', 'data-node': n.name });
  startStop.addEventListener('click', () => {
    const method = startStop.dataset.action === 'node-stop' ? 'node.stop' : 'node.start';
    act(error, () => rpc.call(method, { node: n.name }));
  });
  const tr = el('tr', { 'data-node-row': n.name }, el('td', {}, n.name), cells.state, cells.boot, cells.cpu, cells.mem,
    el('td', {},
      el('button', { 'data-action': 'console', 'data-node': n.name, onclick: () => toggleConsole(n.name) }, 'console'),
      el('button', { 'data-action': 'node-restart', 'data-node': n.name, onclick: () => act(error, () => rpc.call('node.restart', { node: n.name })) }, 'restart'),
      startStop, error));
  const row = { tr, cells, startStop };
  rows.set(key, row);
  document.querySelector('#nodes tbody').append(tr);
  document.querySelector('#exec-node').append(el('option', { value: n.name }, n.name));
  return row;
}

function renderNodes() {
  for (const n of lab.nodes) {
    const row = nodeRow(n);
    const detail = lab.details.get(n.name);
    row.cells.state.textContent = n.state;
    row.cells.state.className = 'state ' + n.state;
    row.cells.state.title = detail || '';
    row.cells.boot.textContent = n.bootMillis != null ? (n.bootMillis / 1000).toFixed(1) + ' s' : (detail || '');
    const u = lab.usage.get(n.name);
    row.cells.cpu.textContent = u ? u.cpuSeconds.toFixed(1) + ' s' : '';
    row.cells.mem.textContent = u ? Math.round(u.rssBytes / 1048576) + ' MiB' : '';
    const stopped = n.state === 'STOPPED' || n.state === 'FAILED';
    row.startStop.dataset.action = stopped ? 'node-start' : 'node-stop';
    row.startStop.textContent = stopped ? 'start' : 'stop';
  }
}

// ---- links ----

/** The directions of a link or LAN with the key of their counters: a->b, or for a LAN member what it receives. */
function directions(l) {
  if (l.kind === 'link') {
    const [a, b] = l.members.map((m) => m.node);
    return [[a + '->' + b, a + '->' + b], [b + '->' + a, b + '->' + a]];
  }
  if (l.kind === 'medium') return Object.keys(l.impairments).map((d) => [d, d]); // its pairs, "a->b"
  return l.members.map((m) => [m.node, l.name + '->' + m.node]);
}

function parseImpairment(text) {
  const out = {};
  for (const part of text.split(/[\s,]+/).filter((p) => p)) {
    const [k, v] = part.split('=');
    if (!v) throw new Error('write fields as key=value, e.g. delay=20ms loss=1%');
    out[k] = v;
  }
  if (!Object.keys(out).length) throw new Error('give fields such as delay=20ms loss=1%');
  return out;
}

function linkRows(l) {
  const key = 'link:' + l.name;
  if (rows.has(key)) return rows.get(key);
  const tbody = document.querySelector('#links tbody');
  const dirs = directions(l);
  const made = { dirs: new Map() };
  dirs.forEach(([dir, counterKey], i) => {
    const error = el('span', { class: 'error' });
    const cells = { state: el('td'), imp: el('td'), packets: el('td'), rate: el('td'), drops: el('td') };
    const input = el('input', { size: 12, placeholder: 'delay=20ms', 'data-impairment': l.name, 'data-direction': dir });
    const upDown = el('button', { 'data-action': 'link-down', 'data-link': l.name, 'data-direction': dir });
    upDown.addEventListener('click', () => act(error, () => rpc.call('link.state', {
      link: l.name, up: upDown.dataset.action === 'link-up', ...(l.kind !== 'lan' ? { direction: dir } : {}) }).then(updateLink)));
    const actions = el('div', { class: 'actions' },
      upDown, input,
      el('button', { onclick: () => act(error, () => rpc.call('link.set', { link: l.name, direction: dir, impairment: parseImpairment(input.value) }).then(updateLink)) }, 'set'),
      el('button', { onclick: () => act(error, () => rpc.call('link.set', { link: l.name, direction: dir, clear: true }).then(updateLink)) }, 'clear'));
    const first = i === 0 ? [el('td', { rowspan: dirs.length, class: 'link-name' }, l.name,
      ...(l.kind === 'link' ? [el('br'), bothButton(l, error)] : []))] : [];
    const tr = el('tr', { 'data-link-row': l.name, 'data-direction': dir }, ...first, el('td', {}, dir), cells.state, cells.imp,
      cells.packets, cells.rate, cells.drops, el('td', {}, actions));
    actions.append(error);
    tbody.append(tr);
    made.dirs.set(dir, { cells, upDown, counterKey });
  });
  rows.set(key, made);
  return made;
}

/** Link changes answer the link as links.list has it: the page shows it at once, before the event comes. */
function updateLink(link) {
  if (!link || !link.name) return;
  lab.links = lab.links.map((l) => (l.name === link.name ? link : l));
  redraw();
}

function bothButton(l, error) {
  const b = el('button', { 'data-action': 'link-both', 'data-link': l.name });
  b.addEventListener('click', () => act(error, () => {
    const now = lab.links.find((x) => x.name === l.name);
    return rpc.call('link.state', { link: l.name, up: !now.up }).then(updateLink);
  }));
  return b;
}

function renderLinks() {
  for (const l of lab.links) {
    const made = linkRows(l);
    for (const [dir, { cells, upDown, counterKey }] of made.dirs) {
      const state = l.kind !== 'lan' ? (l.state && l.state[dir]) || (l.up ? 'up' : 'down') : (l.up ? 'up' : 'down');
      cells.state.textContent = state;
      cells.state.className = 'state ' + state;
      cells.imp.textContent = Object.entries(l.impairments[dir] || {}).map(([k, v]) => k + ' ' + v).join(', ') || '—';
      const c = lab.counters.get(counterKey);
      cells.packets.textContent = c ? String(c.packets) : '';
      cells.drops.textContent = c ? String(c.drops) : '';
      const r = lab.rates.get(counterKey);
      cells.rate.textContent = r === undefined ? '' : formatRate(r);
      upDown.dataset.action = state === 'up' ? 'link-down' : 'link-up';
      upDown.textContent = state === 'up' ? 'down' : 'up';
    }
    const both = document.querySelector(`button[data-action="link-both"][data-link="${CSS.escape(l.name)}"]`);
    if (both) both.textContent = l.up ? 'down both ways' : 'up both ways';
  }
}

function formatRate(bitsPerSecond) {
  if (bitsPerSecond >= 1e6) return (bitsPerSecond / 1e6).toFixed(1) + ' Mbit/s';
  if (bitsPerSecond >= 1e3) return (bitsPerSecond / 1e3).toFixed(1) + ' kbit/s';
  return Math.round(bitsPerSecond) + ' bit/s';
}

// ---- consoles ----

function toggleConsole(node) {
  if (consoles.has(node)) {
    consoles.get(node).close();
    return;
  }
  const body = el('div', { class: 'terminal', 'data-console': node });
  const box = el('div', { class: 'console' }, el('div', { class: 'console-title' }, 'console ' + node + ' ',
    el('button', { onclick: () => consoles.get(node) && consoles.get(node).close() }, 'close')), body);
  document.querySelector('#consoles').append(box);
  const c = openConsole(body, node, () => {});
  consoles.set(node, { close() { c.close(); box.remove(); consoles.delete(node); } });
}

// ---- the lab ----

function redraw() {
  renderNodes();
  renderLinks();
  drawTopology(document.querySelector('#topology'), lab.nodes.map((n) => ({ ...n, detail: lab.details.get(n.name) })), lab.links, lab.counters, positions);
}

async function refresh() {
  const status = await rpc.call('lab.status');
  document.querySelector('#lab').textContent = status.lab;
  const badge = document.querySelector('#lab-state');
  badge.textContent = status.state;
  badge.className = 'badge ' + status.state;
  lab.nodes = status.nodes;
  lab.links = status.links;
  redraw();
}

async function refreshLinks() {
  lab.links = await rpc.call('links.list');
  redraw();
}

function stats(reading) {
  const at = Date.parse(reading.at);
  const seconds = lab.previous ? (at - lab.previous) / 1000 : 0;
  for (const d of reading.links) {
    const before = lab.counters.get(d.direction);
    if (before && seconds > 0) lab.rates.set(d.direction, ((d.bytes - before.bytes) * 8) / seconds);
    lab.counters.set(d.direction, d);
  }
  for (const n of reading.nodes) lab.usage.set(n.node, n);
  lab.previous = at;
  redraw();
}

function event(e) {
  if (e.kind === 'stats') {
    stats(e.stats);
  } else if (e.kind === 'node') {
    const n = lab.nodes.find((x) => x.name === e.subject);
    if (n && e.state) {
      n.state = e.state;
      if (e.state !== 'READY') n.bootMillis = null;
    }
    lab.details.set(e.subject, e.detail);
    if (e.state === 'READY') refresh().catch(() => {}); else redraw();
  } else if (e.kind === 'link' || e.kind === 'routing') {
    refreshLinks().catch(() => {});
  } else if (e.kind === 'lab') {
    refresh().catch(() => {});
  }
}

document.querySelector('#exec').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const node = document.querySelector('#exec-node').value;
  const command = document.querySelector('#exec-command').value;
  const out = document.querySelector('#exec-output');
  act(document.querySelector('#exec-error'), async () => {
    const results = node ? { [node]: await rpc.call('node.exec', { node, command }) } : (await rpc.call('node.execAll', { command })).results;
    out.replaceChildren();
    for (const [name, r] of Object.entries(results)) {
      const head = r.error ? name + ': ' + r.error.message : name + ' (exit ' + r.exitCode + (r.timedOut ? ', timed out' : '') + ')';
      out.append(el('div', { class: 'exec-head' + (r.error || r.exitCode !== 0 ? ' failed' : '') }, head),
        el('pre', { 'data-exec-output': name }, r.output || ''));
    }
  });
});

async function main() {
  const connection = document.querySelector('#connection');
  try {
    await rpc.open();
  } catch (e) {
    connection.textContent = e.message;
    return;
  }
  connection.textContent = 'live';
  rpc.onClose(() => {
    connection.textContent = 'disconnected: the lab is down or the controller ended';
    connection.className = 'badge down';
  });
  rpc.onEvent(event);
  await rpc.call('events.subscribe', { types: ['node', 'link', 'routing', 'lab', 'stats'] });
  await act(document.querySelector('#lab-error'), refresh);
  document.body.dataset.ready = 'true';
}

main();
