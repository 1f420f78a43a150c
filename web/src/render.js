// The graph on screen: a graphology graph drawn by sigma (WebGL), laid out
// by ForceAtlas2 in a web worker so the page stays responsive while it runs.
import Graph from 'graphology';
import Sigma from 'sigma';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import { QUAD_COLOURS } from './state.js';

const KIND_COLOURS = {
  COUNTRY: '#37474f', PERSON: '#8e24aa', ORGANIZATION: '#2e7d32', GROUP: '#ef6c00', OTHER: '#757575',
};
// A layout this long settles a few thousand nodes; the user can restart it.
const LAYOUT_MS = 6000;
// Above this many edges the view is "large" (see tune()).
const LARGE_EDGES = 5000;

export class GraphView {
  constructor(container, handlers) {
    this.graph = new Graph({ type: 'directed', multi: false });
    this.handlers = handlers;  // {clickNode(id), clickEdge(a, b), clickStage(), onLayout(running)}
    this.highlight = { node: null, edge: null };
    this.renderer = new Sigma(this.graph, container, {
      enableEdgeEvents: true,
      defaultEdgeType: 'arrow',
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 7,
      stagePadding: 50,  // room for the labels of the outermost nodes
      zIndex: true,
      // A neighbourhood of thousands: hide edges while the camera moves.
      hideEdgesOnMove: false,
      nodeReducer: (node, data) => this.reduceNode(node, data),
      edgeReducer: (edge, data) => this.reduceEdge(edge, data),
    });
    this.layout = null;
    this.layoutTimer = null;
    this.firstRenderAt = null;
    this.renderer.on('afterRender', () => {
      if (this.firstRenderAt === null && this.graph.order > 0) this.firstRenderAt = performance.now();
    });
    this.bindEvents();
  }

  bindEvents() {
    const r = this.renderer;
    // Dragging a node moves it and pins it there (the layout leaves it).
    let dragged = null, moved = false;
    r.on('downNode', ({ node }) => {
      dragged = node; moved = false;
      if (!r.getCustomBBox()) r.setCustomBBox(r.getBBox());
    });
    r.getMouseCaptor().on('mousemovebody', (e) => {
      if (!dragged) return;
      moved = true;
      const p = r.viewportToGraph(e);
      this.graph.mergeNodeAttributes(dragged, { x: p.x, y: p.y, fixed: true });
      e.preventSigmaDefault();
      e.original.preventDefault();
      e.original.stopPropagation();
    });
    r.getMouseCaptor().on('mouseup', () => {
      if (dragged && moved) this.handlers.dragged(dragged);
      dragged = null;
    });
    r.on('clickNode', ({ node }) => { if (!moved) this.handlers.clickNode(node); });
    r.on('clickEdge', ({ edge }) => {
      this.handlers.clickEdge(this.graph.source(edge), this.graph.target(edge));
    });
    r.on('clickStage', () => this.handlers.clickStage());
    r.on('enterNode', () => { r.getContainer().style.cursor = 'pointer'; });
    r.on('leaveNode', () => { r.getContainer().style.cursor = ''; });
    r.on('enterEdge', () => { r.getContainer().style.cursor = 'pointer'; });
    r.on('leaveEdge', () => { r.getContainer().style.cursor = ''; });
  }

  reduceNode(node, data) {
    const h = this.highlight;
    if (h.node === node) return { ...data, highlighted: true, zIndex: 2 };
    if (h.edge && (h.edge[0] === node || h.edge[1] === node)) return { ...data, highlighted: true, zIndex: 2 };
    return data;
  }

  reduceEdge(edge, data) {
    const h = this.highlight;
    const [a, b] = this.graph.extremities(edge);
    if (h.edge && h.edge[0] === a && h.edge[1] === b) {
      return { ...data, color: '#ffb300', size: data.size + 2, zIndex: 2 };
    }
    if (h.node && a !== h.node && b !== h.node && this.graph.order > 2) {
      return { ...data, color: '#e0e0e0', zIndex: 0 };
    }
    return data;
  }

  // Replaces the graph's content with the view, keeping the positions of
  // the nodes already there and placing new ones near a neighbour.
  update(view, state) {
    const g = this.graph;
    for (const id of g.nodes()) if (!view.nodes.has(id)) g.dropNode(id);
    const degree = new Map();
    for (const e of view.edges.values()) {
      degree.set(e.a, (degree.get(e.a) || 0) + 1);
      degree.set(e.b, (degree.get(e.b) || 0) + 1);
    }
    const added = [];
    const neighbours = new Map();
    for (const e of view.edges.values()) {
      if (!neighbours.has(e.a)) neighbours.set(e.a, []);
      if (!neighbours.has(e.b)) neighbours.set(e.b, []);
      neighbours.get(e.a).push(e.b);
      neighbours.get(e.b).push(e.a);
    }
    for (const [id, n] of view.nodes) {
      const e = n.entity;
      const pinned = state.pinned.has(id);
      const attrs = {
        label: e.name + (pinned ? ' (pinned)' : ''),
        name: e.name,
        kind: e.kind,
        country: e.country_code || '',
        // Capped: a hub of thousands would cover the others; smaller in a
        // large view, where overlapping discs also cost drawing time.
        size: Math.min(view.nodes.size > 1000 ? 10 : 24,
          (view.nodes.size > 1000 ? 1.5 : 3) + 2.2 * Math.sqrt(degree.get(id) || 0)),
        color: KIND_COLOURS[e.kind] || KIND_COLOURS.OTHER,
        expanded: state.expanded.has(id),
        fixed: pinned,
        // Every name in a small view; in a large one, sigma's label grid.
        forceLabel: view.nodes.size <= 150 || state.expanded.has(id) || n.depth === 0,
      };
      if (g.hasNode(id)) g.mergeNodeAttributes(id, attrs);
      else {
        // sigma needs a position from the start.
        g.addNode(id, { ...attrs, ...this.position(neighbours.get(id) || [], added.length) });
        added.push(id);
      }
    }
    const edgeKeys = new Set();
    for (const e of view.edges.values()) {
      edgeKeys.add(e.key);
      const attrs = {
        size: Math.min(12, 0.8 + 1.3 * Math.log2(1 + e.count)),
        color: QUAD_COLOURS[e.quad],
        count: e.count, quad: e.quad, path: e.path,
        first: e.first, last: e.last, meanGoldstein: e.meanGoldstein,
        weight: e.count,
      };
      if (g.hasEdge(e.key)) g.mergeEdgeAttributes(e.key, attrs);
      else g.addDirectedEdgeWithKey(e.key, e.a, e.b, attrs);
    }
    for (const key of g.edges()) if (!edgeKeys.has(key)) g.dropEdge(key);
    this.tune();
    if (added.length) this.startLayout();
    this.renderer.setCustomBBox(null);
    this.renderer.refresh();
  }

  // Large views: edges and labels are left out while the camera moves, and
  // edges are not hit-tested under the mouse (sigma draws a picking buffer
  // for them at every frame); the Relations list still opens any edge.
  tune() {
    const large = this.graph.size > LARGE_EDGES;
    const r = this.renderer;
    if (r.getSetting('hideEdgesOnMove') !== large) {
      r.setSetting('hideEdgesOnMove', large);
      r.setSetting('hideLabelsOnMove', large);
      r.setSetting('enableEdgeEvents', !large);
    }
  }

  // A new node goes in a small circle around a neighbour already placed,
  // or around the origin: ForceAtlas2 then only has to spread them.
  position(neighbours, i) {
    const g = this.graph;
    const anchor = neighbours.find((n) => g.hasNode(n));
    const a = anchor ? g.getNodeAttributes(anchor) : { x: 0, y: 0 };
    const angle = (i * 2.399963) % (2 * Math.PI);  // golden angle: no two in a row overlap
    const r = anchor ? 1 + Math.random() : 5 * Math.sqrt(i + 1);
    return { x: a.x + r * Math.cos(angle), y: a.y + r * Math.sin(angle) };
  }

  startLayout(ms = LAYOUT_MS) {
    this.stopLayout();
    if (this.graph.order < 2) return;
    const settings = forceAtlas2.inferSettings(this.graph);
    this.layout = new FA2Layout(this.graph, { settings: { ...settings, slowDown: 5 } });
    this.layout.start();
    this.handlers.onLayout(true);
    this.layoutTimer = setTimeout(() => this.stopLayout(), ms);
  }

  stopLayout() {
    clearTimeout(this.layoutTimer);
    if (this.layout) {
      this.layout.kill();
      this.layout = null;
      this.handlers.onLayout(false);
    }
  }

  layoutRunning() { return !!this.layout; }

  setHighlight(selection) {
    this.highlight = {
      node: selection?.kind === 'node' ? selection.id : null,
      edge: selection?.kind === 'edge' ? [selection.a, selection.b] : null,
    };
    this.renderer.refresh({ skipIndexation: true });
  }

  fit() {
    this.renderer.getCamera().animatedReset({ duration: 300 });
  }

  // Draws the WebGL and 2D layers onto one white canvas. Right after a
  // synchronous render, so the WebGL buffers still hold the frame.
  toPngBlob() {
    this.renderer.refresh();
    const canvases = this.renderer.getCanvases();
    const first = canvases.edges || Object.values(canvases)[0];
    const out = document.createElement('canvas');
    out.width = first.width;
    out.height = first.height;
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    for (const layer of ['edges', 'nodes', 'edgeLabels', 'labels', 'hovers', 'hoverNodes']) {
      if (canvases[layer]) ctx.drawImage(canvases[layer], 0, 0);
    }
    return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
  }
}
