// The selection panel: a node's actions, or an edge's evidence (its
// statements, paginated) and the dyad's timeline.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Graph as Api, num } from './api.js';
import { QUADS, QUAD_COLOURS, QUAD_LABELS, edgeFilter, formatDate } from './state.js';
import { el } from './ui.js';

const PAGE = 20;

export function nodePanel(container, { id, attrs, expanded, pinned, actions }) {
  const dir = expanded ? ` (expanded: ${expanded.direction.toLowerCase()}${expanded.depth > 1 ? `, ${expanded.depth} hops` : ''})` : '';
  container.replaceChildren(
    el('h2', {}, attrs.name),
    el('p', { class: 'meta' }, [attrs.kind?.toLowerCase(), attrs.country, `#${id}`].filter(Boolean).join(' · '), dir),
    el('div', { class: 'buttons' },
      el('button', { onclick: () => actions.expand(id, 'BOTH', 1) }, 'Expand both'),
      el('button', { onclick: () => actions.expand(id, 'OUT', 1) }, 'Expand out'),
      el('button', { onclick: () => actions.expand(id, 'IN', 1) }, 'Expand in'),
      el('button', { onclick: () => actions.expand(id, expanded?.direction || 'BOTH', 2),
        title: 'Neighbours of neighbours (can be thousands)' }, '2 hops'),
      el('button', { onclick: () => actions.collapse(id), disabled: !expanded }, 'Collapse'),
      el('button', { onclick: () => actions.pin(id) }, pinned ? 'Unpin' : 'Pin'),
      el('button', { onclick: () => actions.remove(id) }, 'Remove'),
      el('button', { onclick: () => actions.pathFrom(id) }, 'Path from here')),
  );
}

function statementItem(s) {
  const said = s.attributed_to?.name;
  const src = s.source || {};
  return el('li', { class: 'statement', dataset: { id: s.id } },
    el('div', { class: 'head' },
      el('span', { class: 'date' }, formatDate(s.date)), ' ',
      el('b', {}, s.actor?.name), ' ', s.action?.text || '', ' ',
      s.action?.cameo_code ? el('code', { title: QUAD_LABELS[QUADS.indexOf(s.action.quad_class)] || '' },
        s.action.cameo_code) : null, ' ',
      el('b', {}, s.target?.name)),
    s.quote ? el('blockquote', { class: 'quote' }, s.quote) : el('p', { class: 'noquote' }, 'no quote'),
    el('div', { class: 'meta' },
      el('span', { class: `modality ${String(s.modality || '').toLowerCase()}` },
        String(s.modality || 'ASSERTED').toLowerCase()),
      ` · confidence ${Number(s.confidence ?? 1).toFixed(2)}`,
      ' · ', said ? el('span', { class: 'speaker' }, `said by ${said}`) : 'the document itself',
      el('br'),
      src.url ? el('a', { href: src.url, target: '_blank', rel: 'noopener noreferrer' },
        src.title || src.document_id) : el('span', { class: 'doc' }, src.title || src.document_id),
      src.publisher ? ` — ${src.publisher}` : '',
      src.published?.year ? `, ${formatDate(src.published)}` : '',
      src.title && src.document_id ? el('small', { class: 'docid' }, ` [${src.document_id}]`) : null,
      ` · statement #${s.id}`));
}

// The edge a -> b: its statements between the pair (both directions, the
// view's filters), newest first, PAGE at a time, and the timeline buckets.
export async function edgePanel(container, { a, b, names, edge, state, onError, signal, onLoaded }) {
  const filter = edgeFilter(state.filter);
  const rollup = state.filter.rollup || undefined;
  const list = el('ol', { class: 'statements' });
  const more = el('button', { class: 'more', hidden: true }, 'More statements');
  const chart = el('div', { class: 'timeline' });
  const count = edge ? `${edge.count} statement${edge.count === 1 ? '' : 's'} ${names.a} → ${names.b}` : '';
  container.replaceChildren(
    el('h2', {}, `${names.a} → ${names.b}`),
    el('p', { class: 'meta' }, count,
      edge?.first ? ` · ${formatDate(edge.first)} to ${formatDate(edge.last)}` : '',
      edge ? ` · mostly ${QUAD_LABELS[edge.quad]}` : ''),
    el('h3', {}, 'Timeline (both directions, by month)'), chart,
    el('h3', {}, 'Evidence (both directions, newest first)'), list, more,
    el('p', { class: 'hint loading' }, 'Loading…'));
  let token = '';
  let first = true;
  const page = async () => {
    more.disabled = true;
    const request = { a: { id: a }, b: { id: b }, filter, rollup, granularity: 'MONTH',
      page_size: PAGE, entity_view: 'ENTITY_VIEW_BASIC', statement_view: 'STATEMENT_VIEW_FULL' };
    if (token) request.page_token = token;
    try {
      const answer = await Api.timeline(request, { signal });
      if (first) drawTimeline(chart, answer.buckets || []);
      first = false;
      for (const s of answer.statements || []) list.append(statementItem(s));
      token = answer.next_page_token || '';
      more.hidden = !token;
      if (!list.children.length) list.append(el('li', {}, 'No statement between them passes the filters.'));
      onLoaded?.();
    } catch (e) {
      if (e.name !== 'AbortError') onError(e.message);
    } finally {
      more.disabled = false;
      container.querySelector('.loading')?.remove();
    }
  };
  more.addEventListener('click', page);
  await page();
}

// Stacked bars of the quad classes per month, and the mean Goldstein score
// as a line on its own axis (-10..10). Every month from the first bucket to
// the last is on the x axis, empty ones too, so that gaps look like gaps.
// uPlot has no stacking: each series is the running sum, drawn tallest
// first so the shorter ones sit on top.
function drawTimeline(container, buckets) {
  container.replaceChildren();
  if (!buckets.length) { container.append(el('p', { class: 'hint' }, 'No statements.')); return; }
  const key = (d) => d.year * 12 + (d.month || 1) - 1;
  const first = key(buckets[0].start), last = key(buckets.at(-1).start);
  const months = [];
  for (let k = first; k <= last && months.length < 2400; k++) months.push(k);
  const byMonth = new Map(buckets.map((b) => [key(b.start), b]));
  const rows = months.map((k) => byMonth.get(k) || null);
  const label = (k) => `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  const order = [['verbal_cooperation', 1], ['material_cooperation', 2], ['verbal_conflict', 3],
    ['material_conflict', 4], ['unclassified', 0]];
  const raw = Object.fromEntries(order.map(([field]) => [field, rows.map((b) => (b ? num(b[field]) : 0))]));
  const sums = [];
  let running = rows.map(() => 0);
  for (const [field] of order) {
    running = running.map((v, i) => v + raw[field][i]);
    sums.push(running);
  }
  const xs = months.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [0.8, 40] });
  const series = [{ label: 'month', value: (u, v) => (v === null || v === undefined ? '' : label(months[v])) }];
  const data = [xs];
  for (let k = order.length - 1; k >= 0; k--) {
    const [field, q] = order[k];
    series.push({
      label: QUAD_LABELS[q], stroke: QUAD_COLOURS[q], fill: QUAD_COLOURS[q], paths: bars, points: { show: false },
      value: (u, v, si, i) => (i === null || i === undefined ? '' : raw[field][i]),
    });
    data.push(sums[k]);
  }
  series.push({ label: 'mean Goldstein', stroke: '#111', width: 2, scale: 'g', spanGaps: true,
    points: { show: true, size: 5, fill: '#111' },
    value: (u, v) => (v === null || v === undefined ? '' : v.toFixed(1)) });
  data.push(rows.map((b) => (b && num(b.total) - num(b.unclassified) > 0 ? b.mean_goldstein : null)));
  const width = Math.max(260, container.clientWidth || 320);
  const u = new uPlot({
    width, height: 180, series, legend: { live: true },
    // Half a month either side, so that a single bar has room.
    scales: { x: { time: false, range: (_, lo, hi) => [lo - 0.6, hi + 0.6] }, g: { range: [-10, 10] } },
    axes: [
      { values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) && months[t] !== undefined ? label(months[t]) : '')) },
      { label: 'statements', size: 40 },
      { side: 1, scale: 'g', label: 'Goldstein', grid: { show: false }, size: 40 },
    ],
  }, data, container);
  container.dataset.buckets = String(buckets.length);
  return u;
}
