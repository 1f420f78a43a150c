// The view as data, and its round trip through the URL's hash, so that a
// reload or a shared link shows the same entities, filters and selection.
//
// #e=182,190          entities added by hand (search, path ends), by id
// &x=182b,190o2       expanded entities: id, direction (b both, o out, i in),
//                     depth when more than 1
// &rm=12,13           entities removed from the view
// &pin=182            pinned entities (the layout leaves them in place)
// &from=2024-01&to=2024-12&q=mc,vx&c=06,19&conf=0.5&m=asserted,intended&ru=country
// &sel=n182 | sel=e182-190   the selected node or edge (actor-target)
// &path=3-12-4        path finder: from, to, max hops
// &limit=2000         maximum nodes of one traversal

export const QUADS = ['QUAD_CLASS_UNSPECIFIED', 'VERBAL_COOPERATION', 'MATERIAL_COOPERATION',
  'VERBAL_CONFLICT', 'MATERIAL_CONFLICT'];
export const QUAD_SHORT = ['un', 'vc', 'mc', 'vx', 'mx'];
export const QUAD_LABELS = ['unclassified', 'verbal cooperation', 'material cooperation',
  'verbal conflict', 'material conflict'];
export const QUAD_COLOURS = ['#9e9e9e', '#4f9bd9', '#1b5fa8', '#f0a04b', '#c62828'];
const DIRS = { b: 'BOTH', o: 'OUT', i: 'IN' };
const DIR_LETTER = { BOTH: 'b', OUT: 'o', IN: 'i' };
export const DEFAULT_LIMIT = 2000;

export function emptyState() {
  return {
    entities: [],
    expanded: new Map(),  // id -> {direction, depth}
    removed: new Set(),
    pinned: new Set(),
    filter: { from: '', to: '', quads: [], codes: [], minConfidence: '', modalities: [], rollup: '' },
    selection: null,      // {kind: 'node', id} or {kind: 'edge', a, b}
    path: null,           // {from, to, hops}
    limit: DEFAULT_LIMIT,
  };
}

const ids = (s) => (s ? s.split(',').filter((x) => /^\d+$/.test(x)) : []);
const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

// Parses a hash; what it cannot read it leaves out and names in `problems`,
// so a mangled link still opens (and says what was dropped).
export function parseHash(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s = emptyState();
  const problems = [];
  s.entities = ids(p.get('e'));
  for (const item of list(p.get('x'))) {
    const m = /^(\d+)([boi])(\d)?$/.exec(item);
    if (!m) { problems.push(`x=${item}`); continue; }
    s.expanded.set(m[1], { direction: DIRS[m[2]], depth: m[3] ? Number(m[3]) : 1 });
  }
  s.removed = new Set(ids(p.get('rm')));
  s.pinned = new Set(ids(p.get('pin')));
  const f = s.filter;
  for (const key of ['from', 'to']) {
    const v = p.get(key);
    if (v && MONTH.test(v)) f[key] = v;
    else if (v) problems.push(`${key}=${v}`);
  }
  for (const q of list(p.get('q'))) {
    const i = QUAD_SHORT.indexOf(q);
    if (i >= 0) f.quads.push(QUADS[i]);
    else problems.push(`q=${q}`);
  }
  f.codes = list(p.get('c')).filter((c) => /^\d{1,4}$/.test(c) || (problems.push(`c=${c}`), false));
  const conf = p.get('conf');
  if (conf !== null && conf !== '') {
    if (Number(conf) >= 0 && Number(conf) <= 1) f.minConfidence = conf;
    else problems.push(`conf=${conf}`);
  }
  f.modalities = list(p.get('m')).map((m) => m.toUpperCase())
    .filter((m) => ['ASSERTED', 'DENIED', 'INTENDED', 'HYPOTHETICAL'].includes(m) ||
      (problems.push(`m=${m}`), false));
  const ru = p.get('ru');
  if (ru === 'country') f.rollup = 'ROLLUP_COUNTRY';
  else if (ru === 'parent') f.rollup = 'ROLLUP_PARENT';
  else if (ru) problems.push(`ru=${ru}`);
  const sel = p.get('sel');
  let m;
  if (sel && (m = /^n(\d+)$/.exec(sel))) s.selection = { kind: 'node', id: m[1] };
  else if (sel && (m = /^e(\d+)-(\d+)$/.exec(sel))) s.selection = { kind: 'edge', a: m[1], b: m[2] };
  else if (sel) problems.push(`sel=${sel}`);
  const path = p.get('path');
  if (path && (m = /^(\d+)-(\d+)(?:-(\d))?$/.exec(path))) {
    s.path = { from: m[1], to: m[2], hops: m[3] ? Number(m[3]) : 4 };
  } else if (path) problems.push(`path=${path}`);
  const limit = Number(p.get('limit'));
  if (p.has('limit') && Number.isInteger(limit) && limit >= 1 && limit <= 100000) s.limit = limit;
  else if (p.has('limit')) problems.push(`limit=${p.get('limit')}`);
  return { state: s, problems };
}

export function toHash(s) {
  const p = new URLSearchParams();
  if (s.entities.length) p.set('e', s.entities.join(','));
  if (s.expanded.size) {
    p.set('x', [...s.expanded].map(([id, e]) =>
      `${id}${DIR_LETTER[e.direction]}${e.depth > 1 ? e.depth : ''}`).join(','));
  }
  if (s.removed.size) p.set('rm', [...s.removed].join(','));
  if (s.pinned.size) p.set('pin', [...s.pinned].join(','));
  const f = s.filter;
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.quads.length) p.set('q', f.quads.map((q) => QUAD_SHORT[QUADS.indexOf(q)]).join(','));
  if (f.codes.length) p.set('c', f.codes.join(','));
  if (f.minConfidence !== '') p.set('conf', f.minConfidence);
  if (f.modalities.length) p.set('m', f.modalities.map((m) => m.toLowerCase()).join(','));
  if (f.rollup) p.set('ru', f.rollup === 'ROLLUP_COUNTRY' ? 'country' : 'parent');
  if (s.selection?.kind === 'node') p.set('sel', `n${s.selection.id}`);
  if (s.selection?.kind === 'edge') p.set('sel', `e${s.selection.a}-${s.selection.b}`);
  if (s.path) p.set('path', `${s.path.from}-${s.path.to}-${s.path.hops}`);
  if (s.limit !== DEFAULT_LIMIT) p.set('limit', String(s.limit));
  // URLSearchParams escapes commas; they are safe in a fragment and easier to read.
  return '#' + p.toString().replace(/%2C/g, ',');
}

// "2024-10" -> {year: 2024, month: 10}
export const monthToDate = (m) => ({ year: Number(m.slice(0, 4)), month: Number(m.slice(5, 7)) });

// The EdgeFilter message of the view's filters (protobuf JSON mapping).
export function edgeFilter(f) {
  const filter = {};
  if (f.from) filter.date_from = monthToDate(f.from);
  if (f.to) filter.date_to = monthToDate(f.to);
  if (f.codes.length) filter.code_prefixes = f.codes;
  if (f.quads.length) filter.quad_classes = f.quads;
  if (f.minConfidence !== '') filter.min_confidence = Number(f.minConfidence);
  if (f.modalities.length) filter.modalities = f.modalities;
  return filter;
}

export function formatDate(d) {
  if (!d || !d.year) return '';
  const pad = (n) => String(n).padStart(2, '0');
  let s = String(d.year);
  if (d.month) s += `-${pad(d.month)}`;
  if (d.month && d.day) s += `-${pad(d.day)}`;
  return s;
}
