// The explorer: wires the state (in the URL), the view loaded from the JSON
// API, the graph on screen and the panels. docs/explorer.md describes it.
import './style.css';
import { Graph as Api, getToken, setToken, num } from './api.js';
import { parseHash, toHash, emptyState, QUADS, QUAD_LABELS, formatDate } from './state.js';
import { loadView, cachedEntity, rememberEntity } from './view.js';
import { GraphView } from './render.js';
import { nodePanel, edgePanel } from './panels.js';
import { graphml, edgesCsv, statementsCsv } from './exports.js';
import { el, showMessage, hideMessage, download, attachCompletion } from './ui.js';

const $ = (id) => document.getElementById(id);
let state = emptyState();
let view = { nodes: new Map(), edges: new Map(), paths: null, truncated: [] };
let loadController = null;
let panelController = null;
let loading = Promise.resolve();

const report = (text, kind = 'error') => showMessage(text, kind);

// Every error reaches the page as a message, never a blank page.
window.addEventListener('error', (e) => report(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => {
  if (e.reason?.name !== 'AbortError') report(e.reason?.message || String(e.reason));
});

const graphView = new GraphView($('graph'), {
  clickNode: (id) => {
    select({ kind: 'node', id });
    if (!state.expanded.has(id)) expand(id, $('expand-direction').value, 1);
  },
  clickEdge: (a, b) => select({ kind: 'edge', a, b }),
  clickStage: () => select(null),
  dragged: (id) => { state.pinned.add(id); commit(false); },
  onLayout: (running) => { $('layout').classList.toggle('on', running); },
});

// --- state changes -------------------------------------------------------

// Writes the state to the URL and, if reload, loads the view again.
function commit(reload = true) {
  const hash = toHash(state);
  if (location.hash !== hash) history.replaceState(null, '', hash === '#' ? location.pathname : hash);
  if (reload) return refresh();
  renderSelection();
  renderLists();
  return Promise.resolve();
}

function refresh() {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  document.body.classList.add('busy');
  $('status').textContent = 'Loading…';
  const show = (v) => {
    if (controller.signal.aborted) return;
    view = v;
    graphView.update(view, state);
    renderStatus();
    renderLists();
    renderPaths();
    renderSelection();
    updateSliderRange();
  };
  loading = loadView(state, {
    signal: controller.signal,
    onFirst: (v) => { show(v); $('status').textContent += ' (colouring by quad class…)'; },
  }).then(show).catch((e) => {
    if (e.name === 'AbortError') return;
    report(e.message);
    $('status').textContent = 'The view could not be loaded; see the message above.';
  }).finally(() => {
    if (loadController === controller) document.body.classList.remove('busy');
  });
  return loading;
}

function addEntity(entity) {
  rememberEntity(entity);
  const id = String(entity.id);
  state.removed.delete(id);
  if (!state.entities.includes(id)) state.entities.push(id);
  state.selection = { kind: 'node', id };
  return commit();
}

function expand(id, direction, depth) {
  state.removed.delete(id);
  if (!state.entities.includes(id)) state.entities.push(id);
  state.expanded.set(id, { direction, depth });
  state.selection = { kind: 'node', id };
  return commit();
}

const actions = {
  expand,
  collapse: (id) => { state.expanded.delete(id); return commit(); },
  pin: (id) => {
    if (state.pinned.has(id)) state.pinned.delete(id); else state.pinned.add(id);
    graphView.graph.mergeNodeAttributes(id, { fixed: state.pinned.has(id) });
    return commit().then(() => graphView.update(view, state));
  },
  remove: (id) => {
    state.entities = state.entities.filter((x) => x !== id);
    state.expanded.delete(id);
    state.pinned.delete(id);
    state.removed.add(id);
    if (state.selection?.id === id || state.selection?.a === id || state.selection?.b === id) state.selection = null;
    return commit();
  },
  pathFrom: (id) => {
    pathEnds.from = cachedEntity(id);
    $('path-from').value = pathEnds.from?.name || '';
  },
};

function select(selection) {
  state.selection = selection;
  commit(false);
}

// --- rendering -----------------------------------------------------------

function renderStatus() {
  const g = graphView.graph;
  let text = `${g.order} entit${g.order === 1 ? 'y' : 'ies'}, ${g.size} relation${g.size === 1 ? '' : 's'}`;
  if (view.truncated.length) text += ` (cut short by ${view.truncated.join(', ')}; raise limit= in the URL)`;
  if (!g.order) text = 'Search an actor to start.';
  $('status').textContent = text;
  $('status').dataset.nodes = String(g.order);
  $('status').dataset.edges = String(g.size);
}

const nameOf = (id) => graphView.graph.hasNode(id) ? graphView.graph.getNodeAttribute(id, 'name')
  : (cachedEntity(id)?.name || `#${id}`);

function renderLists() {
  const g = graphView.graph;
  const nodes = g.nodes().sort((x, y) => g.degree(y) - g.degree(x)).slice(0, 300);
  $('entity-list').replaceChildren(...nodes.map((id) => el('li', {
    class: state.selection?.kind === 'node' && state.selection.id === id ? 'selected' : '',
    dataset: { id },
  }, el('button', { class: 'link', onclick: () => select({ kind: 'node', id }) }, nameOf(id)),
  ` ${g.degree(id)}`, state.expanded.has(id) ? ' · expanded' : '', state.pinned.has(id) ? ' · pinned' : '')));
  const edges = g.edges().map((k) => [k, g.getEdgeAttributes(k)]).sort((x, y) => y[1].count - x[1].count).slice(0, 300);
  $('edge-list').replaceChildren(...edges.map(([k, a]) => {
    const [s, t] = g.extremities(k);
    const sel = state.selection?.kind === 'edge' && state.selection.a === s && state.selection.b === t;
    return el('li', { class: sel ? 'selected' : '', dataset: { a: s, b: t } },
      el('span', { class: `swatch q${a.quad}`, title: QUAD_LABELS[a.quad] }),
      el('button', { class: 'link', onclick: () => select({ kind: 'edge', a: s, b: t }) },
        `${nameOf(s)} → ${nameOf(t)}`), ` ${a.count}`);
  }));
}

let shownSelection = '';
function renderSelection() {
  const s = state.selection;
  graphView.setHighlight(s);
  const box = $('selection');
  const key = JSON.stringify(s) + JSON.stringify(state.filter) + (s?.kind === 'node'
    ? JSON.stringify([state.expanded.get(s.id), state.pinned.has(s.id)]) : '');
  if (key === shownSelection && box.children.length) return;
  shownSelection = key;
  panelController?.abort();
  panelController = new AbortController();
  box.dataset.selection = s ? (s.kind === 'node' ? `n${s.id}` : `e${s.a}-${s.b}`) : '';
  if (!s) {
    box.replaceChildren(el('p', { class: 'hint' }, 'Click a node to expand it, an edge to read its evidence.'));
    return;
  }
  if (s.kind === 'node') {
    const g = graphView.graph;
    const e = cachedEntity(s.id);
    const attrs = g.hasNode(s.id) ? g.getNodeAttributes(s.id)
      : { name: e?.name || `#${s.id}`, kind: e?.kind, country: e?.country_code };
    nodePanel(box, { id: s.id, attrs, expanded: state.expanded.get(s.id), pinned: state.pinned.has(s.id), actions });
    const aliases = e?.aliases?.length ? e.aliases : null;
    if (aliases) box.append(el('p', { class: 'meta' }, `Also known as ${aliases.slice(0, 12).join(', ')}`));
    return;
  }
  const g = graphView.graph;
  const key2 = `${s.a}>${s.b}`;
  const edge = g.hasEdge(key2) ? g.getEdgeAttributes(key2) : null;
  edgePanel(box, {
    a: s.a, b: s.b, names: { a: nameOf(s.a), b: nameOf(s.b) },
    edge: edge && { ...edge }, state, onError: report, signal: panelController.signal,
  });
}

// --- search --------------------------------------------------------------

attachCompletion($('search'), $('search-results'), {
  search: (prefix) => Api.search(prefix),
  pick: (e) => { hideMessage(); addEntity(e); },
  onError: report,
});

// --- filters -------------------------------------------------------------

function filtersToForm() {
  const f = state.filter;
  $('date-from').value = f.from;
  $('date-to').value = f.to;
  for (const box of document.querySelectorAll('#quad-classes input')) box.checked = f.quads.includes(box.value);
  $('codes').value = f.codes.join(', ');
  $('min-confidence').value = f.minConfidence;
  for (const box of document.querySelectorAll('#modalities input')) box.checked = f.modalities.includes(box.value);
  $('rollup').value = f.rollup;
}

function formToFilters() {
  const codes = $('codes').value.split(/[\s,]+/).filter(Boolean);
  const bad = codes.find((c) => !/^\d{1,4}$/.test(c));
  if (bad) {
    report(`CAMEO code prefix "${bad}" is not 1 to 4 digits (e.g. 06 or 190).`);
    return false;
  }
  const conf = $('min-confidence').value;
  if (conf !== '' && !(Number(conf) >= 0 && Number(conf) <= 1)) {
    report(`Minimum confidence must be between 0 and 1, not ${conf}.`);
    return false;
  }
  state.filter = {
    from: $('date-from').value,
    to: $('date-to').value,
    quads: [...document.querySelectorAll('#quad-classes input:checked')].map((b) => b.value),
    codes,
    minConfidence: conf,
    modalities: [...document.querySelectorAll('#modalities input:checked')].map((b) => b.value),
    rollup: $('rollup').value,
  };
  return true;
}

let filterTimer = null;
for (const input of document.querySelectorAll('#filters input, #filters select')) {
  if (input.id === 'month-slider') continue;
  input.addEventListener('change', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { stopPlay(); if (formToFilters()) { hideMessage(); commit(); } }, 150);
  });
}

// The month slider spans the view's dates (or the From/To inputs); moving
// it, or playing, shows one month at a time.
let months = [];
const monthKey = (d) => `${d.year}-${String(d.month || 1).padStart(2, '0')}`;
function updateSliderRange() {
  if (playing) return;
  let lo = state.filter.from, hi = state.filter.to;
  for (const e of view.edges.values()) {
    if (e.first?.year && (!lo || monthKey(e.first) < lo)) lo = state.filter.from || monthKey(e.first);
    if (e.last?.year && (!hi || monthKey(e.last) > hi)) hi = state.filter.to || monthKey(e.last);
  }
  months = [];
  if (lo && hi) {
    let [y, m] = lo.split('-').map(Number);
    const [y2, m2] = hi.split('-').map(Number);
    while ((y < y2 || (y === y2 && m <= m2)) && months.length < 1200) {
      months.push(`${y}-${String(m).padStart(2, '0')}`);
      if (++m > 12) { m = 1; y++; }
    }
  }
  const slider = $('month-slider');
  slider.max = String(Math.max(0, months.length - 1));
  const at = state.filter.from && state.filter.from === state.filter.to ? months.indexOf(state.filter.from) : -1;
  slider.value = String(Math.max(0, at));
  $('month-label').textContent = at >= 0 ? months[at] : (months.length ? `${months[0]} … ${months.at(-1)}` : '');
}

function showMonth(i) {
  const m = months[i];
  if (!m) return Promise.resolve();
  $('month-label').textContent = m;
  state.filter.from = m;
  state.filter.to = m;
  filtersToForm();
  return commit();
}

$('month-slider').addEventListener('input', () => { stopPlay(); showMonth(Number($('month-slider').value)); });
let playing = false;
async function play() {
  if (!months.length) { report('Nothing to play: the view has no dated relations.', 'info'); return; }
  playing = true;
  $('play').textContent = '❚❚';
  let i = Number($('month-slider').value);
  if (i >= months.length - 1) i = 0;
  while (playing && i < months.length) {
    $('month-slider').value = String(i);
    const started = performance.now();
    await showMonth(i);
    // At least 0.8 s a month, longer when the server takes longer.
    await new Promise((r) => setTimeout(r, Math.max(0, 800 - (performance.now() - started))));
    i++;
  }
  stopPlay();
}
function stopPlay() {
  playing = false;
  $('play').textContent = '▶';
}
$('play').addEventListener('click', () => (playing ? stopPlay() : play()));

// --- path finder ---------------------------------------------------------

const pathEnds = { from: null, to: null };
for (const end of ['from', 'to']) {
  const input = $(`path-${end}`);
  attachCompletion(input, input.nextElementSibling, {
    search: (prefix) => Api.search(prefix),
    pick: (e) => { rememberEntity(e); pathEnds[end] = e; input.value = e.name; hideMessage(); },
    onError: report,
  });
}
$('path-find').addEventListener('click', () => {
  if (!pathEnds.from || !pathEnds.to) {
    report('Pick both ends of the path from the completion lists.');
    return;
  }
  const hops = Number($('path-hops').value) || 4;
  state.path = { from: String(pathEnds.from.id), to: String(pathEnds.to.id), hops };
  commit();
});
$('path-clear').addEventListener('click', () => { state.path = null; commit(); });

function renderPaths() {
  const box = $('path-results');
  if (!state.path) { box.replaceChildren(); return; }
  const from = cachedEntity(state.path.from), to = cachedEntity(state.path.to);
  if (from) { pathEnds.from = from; $('path-from').value = from.name; }
  if (to) { pathEnds.to = to; $('path-to').value = to.name; }
  $('path-hops').value = state.path.hops;
  const answer = view.paths;
  if (!answer) return;
  const paths = answer.paths || [];
  if (!paths.length) {
    box.replaceChildren(el('p', { class: 'none' }, `No path within ${state.path.hops} hops under these filters.`));
    return;
  }
  box.replaceChildren(el('p', {}, `${paths.length} shortest path${paths.length === 1 ? '' : 's'} of ${answer.distance} hop${answer.distance === 1 ? '' : 's'}`),
    ...paths.map((p, i) => el('div', { class: 'path', dataset: { index: i } },
      el('div', { class: 'path-names' }, (p.entities || []).map((e) => e.name).join(' → ')),
      el('ol', { class: 'hops' }, ...(p.hops || []).map((h) => el('li', { class: 'hop' },
        el('button', { class: 'link', onclick: () => select({ kind: 'edge', a: String(h.from_id), b: String(h.to_id) }) },
          `${nameOf(String(h.from_id))} – ${nameOf(String(h.to_id))}`), ` (${num(h.count)} statement${num(h.count) === 1 ? '' : 's'})`,
        el('ul', {}, ...(h.statements || []).map((s) => el('li', { class: 'hop-statement' },
          `${formatDate(s.date)} ${s.actor?.name} ${s.action?.text || ''} ${s.target?.name}`,
          s.quote ? el('q', {}, s.quote) : null,
          s.attributed_to?.name ? el('small', {}, ` (said by ${s.attributed_to.name})`) : null,
          el('small', {}, ` — ${s.source?.publisher || s.source?.document_id || ''}`))))))))));
}

// --- toolbar -------------------------------------------------------------

$('fit').addEventListener('click', () => graphView.fit());
$('layout').addEventListener('click', () => (graphView.layoutRunning() ? graphView.stopLayout() : graphView.startLayout()));
$('clear').addEventListener('click', () => {
  const filter = state.filter;
  state = emptyState();
  state.filter = filter;
  commit();
});
const closeMenu = () => $('export-menu').removeAttribute('open');
$('export-png').addEventListener('click', async () => {
  closeMenu();
  download('entente-view.png', await graphView.toPngBlob());
});
$('export-graphml').addEventListener('click', () => {
  closeMenu();
  download('entente-view.graphml', graphml(graphView.graph), 'application/graphml+xml');
});
$('export-edges-csv').addEventListener('click', () => {
  closeMenu();
  download('entente-relations.csv', edgesCsv(graphView.graph), 'text/csv');
});
$('export-statements-csv').addEventListener('click', async () => {
  closeMenu();
  try {
    showMessage('Collecting the statements of the view…', 'info');
    const r = await statementsCsv(graphView.graph, state, {
      progress: (n) => { $('status').textContent = `Collecting statements: ${n}`; },
    });
    download('entente-statements.csv', r.csv, 'text/csv');
    showMessage(`${r.rows} statements exported${r.truncated ? ' (stopped at the cap)' : ''}.`, 'info');
  } catch (e) {
    report(e.message);
  } finally {
    renderStatus();
  }
});

$('token-button').addEventListener('click', () => { $('token-panel').hidden = !$('token-panel').hidden; });
$('token-panel').addEventListener('submit', (ev) => {
  ev.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  $('token-panel').hidden = true;
  showMessage('Token set for this tab.', 'info');
  refresh();
});
$('token-forget').addEventListener('click', () => { setToken(''); showMessage('Token forgotten.', 'info'); });
$('token-button').classList.toggle('on', !!getToken());

// --- start ---------------------------------------------------------------

function fromUrl() {
  const { state: s, problems } = parseHash(location.hash);
  state = s;
  filtersToForm();
  if (problems.length) report(`Parts of the link were not understood and left out: ${problems.join(', ')}`);
  return commit();
}
window.addEventListener('hashchange', () => { stopPlay(); fromUrl(); });
fromUrl();

// For tests and benchmarks (tests/browser, bench/explorer_render.mjs): the
// renderer and a promise of the current load.
window.entente = {
  get state() { return state; },
  graphView,
  renderer: graphView.renderer,
  graph: graphView.graph,
  loaded: () => loading,
  QUADS,
};
