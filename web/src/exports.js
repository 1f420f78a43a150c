// Exports of the view: GraphML (Gephi and yEd map `label` and `weight` by
// default), CSV of the relations, CSV of the statements behind them.
import { Graph as Api } from './api.js';
import { QUAD_LABELS, edgeFilter, formatDate } from './state.js';

const xml = (s) => String(s ?? '').replace(/[<>&"']/g, (c) =>
  ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

// RFC 4180: quote every field that needs it, double the quotes inside.
const csvField = (v) => {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (fields) => fields.map(csvField).join(',') + '\r\n';

export function graphml(graph) {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n',
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>\n',
    '  <key id="country" for="node" attr.name="country_code" attr.type="string"/>\n',
    '  <key id="x" for="node" attr.name="x" attr.type="double"/>\n',
    '  <key id="y" for="node" attr.name="y" attr.type="double"/>\n',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n',
    '  <key id="quad" for="edge" attr.name="quad_class" attr.type="string"/>\n',
    '  <key id="first" for="edge" attr.name="first_date" attr.type="string"/>\n',
    '  <key id="last" for="edge" attr.name="last_date" attr.type="string"/>\n',
    '  <key id="goldstein" for="edge" attr.name="mean_goldstein" attr.type="double"/>\n',
    '  <graph id="entente" edgedefault="directed">\n'];
  graph.forEachNode((id, a) => {
    out.push(`    <node id="n${xml(id)}"><data key="label">${xml(a.name)}</data>` +
      `<data key="kind">${xml(a.kind)}</data><data key="country">${xml(a.country)}</data>` +
      `<data key="x">${a.x}</data><data key="y">${a.y}</data></node>\n`);
  });
  graph.forEachEdge((key, a, s, t) => {
    out.push(`    <edge id="e${xml(s)}-${xml(t)}" source="n${xml(s)}" target="n${xml(t)}">` +
      `<data key="weight">${a.count}</data><data key="quad">${xml(QUAD_LABELS[a.quad])}</data>` +
      `<data key="first">${xml(formatDate(a.first))}</data><data key="last">${xml(formatDate(a.last))}</data>` +
      `<data key="goldstein">${Number(a.meanGoldstein || 0)}</data></edge>\n`);
  });
  out.push('  </graph>\n</graphml>\n');
  return out.join('');
}

export function edgesCsv(graph) {
  let out = csvLine(['actor_id', 'actor', 'target_id', 'target', 'count', 'main_quad_class',
    'first_date', 'last_date', 'mean_goldstein']);
  graph.forEachEdge((key, a, s, t) => {
    out += csvLine([s, graph.getNodeAttribute(s, 'name'), t, graph.getNodeAttribute(t, 'name'),
      a.count, QUAD_LABELS[a.quad], formatDate(a.first), formatDate(a.last), a.meanGoldstein ?? '']);
  });
  return out;
}

const STATEMENT_COLUMNS = ['id', 'date', 'actor_id', 'actor', 'action', 'cameo_code', 'target_id',
  'target', 'modality', 'confidence', 'said_by', 'quote', 'document_id', 'publisher', 'title',
  'url', 'published'];

// The statements of the relations on screen: each expanded entity's
// statements under the view's filters (ListStatements, every page, up to
// `cap`), those whose other end is on screen too.
export async function statementsCsv(graph, state, { cap = 20000, progress } = {}) {
  const filter = edgeFilter(state.filter);
  const rollup = state.filter.rollup || undefined;
  const seen = new Set();
  let out = csvLine(STATEMENT_COLUMNS);
  let rows = 0, truncated = false;
  const sources = state.expanded.size ? [...state.expanded] :
    graph.nodes().map((id) => [id, { direction: 'BOTH' }]);
  for (const [id, e] of sources) {
    let token = '';
    do {
      const request = { entity: { id }, direction: e.direction, filter, rollup, page_size: 1000,
        statement_view: 'STATEMENT_VIEW_FULL' };
      if (token) request.page_token = token;
      const answer = await Api.listStatements(request);
      for (const s of answer.statements || []) {
        const a = String(s.actor.id), t = String(s.target.id);
        if (seen.has(s.id) || !graph.hasNode(a) || !graph.hasNode(t)) continue;
        if (!graph.hasEdge(a, t) && !graph.hasEdge(t, a) && !state.filter.rollup) continue;
        seen.add(s.id);
        const src = s.source || {};
        out += csvLine([s.id, formatDate(s.date), a, s.actor.name, s.action?.text, s.action?.cameo_code,
          t, s.target.name, s.modality, s.confidence, s.attributed_to?.name, s.quote,
          src.document_id, src.publisher, src.title, src.url, formatDate(src.published)]);
        if (++rows >= cap) { truncated = true; break; }
      }
      token = truncated ? '' : answer.next_page_token;
      progress?.(rows);
    } while (token);
    if (truncated) break;
  }
  return { csv: out, rows, truncated };
}
