// Builds the view's graph from the state: one Traverse per direction of
// expansion (all the entities expanded that way as its seeds), the entities
// added by hand, and the path finder's paths. Each returns nodes and
// aggregated edges; nothing here keeps a copy of the server's data beyond
// the view.
import { Graph as Api, num } from './api.js';
import { QUADS, edgeFilter } from './state.js';

const entityCache = new Map();  // id -> Entity (name, kind, country_code)

export function rememberEntity(e) {
  if (e && e.id) entityCache.set(String(e.id), e);
}
export const cachedEntity = (id) => entityCache.get(String(id));

async function entity(id) {
  if (!entityCache.has(id)) rememberEntity(await Api.getEntity(id));
  return entityCache.get(id);
}

// Traverse answers (an array of chunks, or one chunk) as flat node and edge lists.
function chunks(answer) {
  const list = Array.isArray(answer) ? answer : [answer];
  const nodes = [], edges = [];
  let truncated = '';
  for (const c of list) {
    nodes.push(...(c.nodes || []));
    edges.push(...(c.edges || []));
    if (c.truncated) truncated = c.truncated;
  }
  return { nodes, edges, truncated };
}

// Splits the expansions into Traverse requests: seeds that share a direction
// and depth go together, at most 100 a request (the server's limit).
function traverseRequests(state) {
  const groups = new Map();
  for (const [id, e] of state.expanded) {
    const key = `${e.direction}/${e.depth}`;
    if (!groups.has(key)) groups.set(key, { direction: e.direction, depth: e.depth, seeds: [] });
    groups.get(key).seeds.push(id);
  }
  const requests = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.seeds.length; i += 100) {
      requests.push({
        seeds: g.seeds.slice(i, i + 100).map((id) => ({ id })),
        max_depth: g.depth,
        direction: g.direction,
        max_nodes: state.limit,
        max_edges: Math.max(10000, state.limit * 10),
        max_fanout: state.limit,
        evidence_per_edge: 1,
        entity_view: 'ENTITY_VIEW_BASIC',
      });
    }
  }
  return requests;
}

// Which quad classes to ask for one by one, to colour each edge by the
// class of most of its statements (AggregatedEdge has only a total). None
// when the filter keeps a single class: every edge is of that class.
function splitClasses(filter) {
  const wanted = filter.quads.length ? filter.quads : QUADS;
  return wanted.length > 1 ? wanted : [];
}

// Loads the view; resolves to {nodes: Map id -> {entity, depth}, edges: Map
// "a>b" -> edge, paths, truncated}. Rejects with the first ApiError.
// In two steps, so that a large neighbourhood is drawn as soon as its own
// traversal is in: onFirst(view) gets the view with every edge coloured as
// unclassified, then the per-class traversals (one at a time, as they cost
// as much as the first) colour the edges already there.
export async function loadView(state, { signal, onFirst } = {}) {
  const filter = edgeFilter(state.filter);
  const rollup = state.filter.rollup || undefined;
  const nodes = new Map();
  const edges = new Map();
  const truncated = new Set();
  const addNode = (e, depth) => {
    const id = String(e.id);
    if (state.removed.has(id)) return;
    rememberEntity(e);
    const old = nodes.get(id);
    if (!old || depth < old.depth) nodes.set(id, { entity: e, depth });
  };
  const edgeOf = (a, b) => {
    const key = `${a}>${b}`;
    if (!edges.has(key)) {
      edges.set(key, { key, a, b, count: 0, first: null, last: null, goldsteinSum: 0,
        goldsteinCount: 0, classes: [0, 0, 0, 0, 0], evidence: [], path: false });
    }
    return edges.get(key);
  };
  const opts = { signal };

  const work = [];
  const split = [];  // functions starting the per-class traversals
  for (const base of traverseRequests(state)) {
    const request = { ...base, filter, rollup };
    work.push(Api.traverse(request, opts).then((answer) => {
      const { nodes: ns, edges: es, truncated: t } = chunks(answer);
      if (t) truncated.add(t);
      for (const n of ns) addNode(n.entity, n.depth);
      for (const e of es) {
        const edge = edgeOf(String(e.actor_id), String(e.target_id));
        edge.count += num(e.count);
        edge.first = e.first_date;
        edge.last = e.last_date;
        edge.evidence = (e.evidence_statement_ids || []).map(String);
        edge.meanGoldstein = e.mean_goldstein;
      }
    }));
    for (const q of splitClasses(state.filter)) {
      const one = { ...base, filter: { ...filter, quad_classes: [q] }, rollup,
        evidence_per_edge: 1 };
      const qi = QUADS.indexOf(q);
      split.push(() => Api.traverse(one, opts).then((answer) => {
        for (const e of chunks(answer).edges) {
          const edge = edges.get(`${e.actor_id}>${e.target_id}`);
          if (edge) edge.classes[qi] += num(e.count);
        }
      }));
    }
  }
  for (const id of state.entities) {
    if (state.removed.has(id)) continue;
    work.push(entity(id).then((e) => addNode(e, 0)));
  }
  let paths = null;
  if (state.path) {
    work.push(Api.findPaths({
      from: { id: state.path.from }, to: { id: state.path.to },
      max_hops: state.path.hops, direction: 'BOTH', filter, rollup,
      max_paths: 5, evidence_per_hop: 3, entity_view: 'ENTITY_VIEW_BASIC',
      statement_view: 'STATEMENT_VIEW_FULL',
    }, opts).then((answer) => { paths = answer; }));
  }
  await Promise.all(work);

  // A path's entities and hops join the view, whether or not expanded.
  if (paths) {
    for (const p of paths.paths || []) {
      for (const e of p.entities || []) addNode(e, 0);
      for (const h of p.hops || []) {
        // The hop as the path walks it; its statements may go either way.
        const a = String(h.from_id), b = String(h.to_id);
        const edge = edges.get(`${b}>${a}`) || edgeOf(a, b);
        edge.path = true;
        if (!edge.count) {
          edge.pathCount = num(h.count);
          for (const s of h.statements || []) {
            const qi = QUADS.indexOf(s.action?.quad_class);
            if (qi >= 0) edge.classes[qi] += 1;
          }
        }
      }
    }
  }
  // Edges to removed or unknown entities go.
  for (const [key, e] of edges) {
    if (!nodes.has(e.a) || !nodes.has(e.b)) { edges.delete(key); continue; }
    if (!e.count) e.count = e.pathCount || e.classes.reduce((x, y) => x + y, 0) || 1;
  }
  const view = { nodes, edges, paths, truncated: [...truncated] };
  const colour = () => {
    for (const e of edges.values()) {
      const best = e.classes.indexOf(Math.max(...e.classes));
      e.quad = e.classes[best] > 0 ? best : (state.filter.quads.length === 1
        ? QUADS.indexOf(state.filter.quads[0]) : 0);
    }
  };
  colour();
  if (split.length && onFirst) onFirst(view);
  for (const start of split) await start();
  colour();
  return view;
}
