// The family as a force-directed network (d3-force) from
// /api/network/family/{id}: for families too big for a tree.  Drawn on a
// canvas (thousands of nodes), zoom and pan with d3-zoom, click a node to go.
import type { App } from '../app';
import { EDGE_COLORS } from '../app';
import { getJSON, enc, fmt, fmtShort, type Brief } from '../api';
import { h, clear, spinner, errorBox } from '../dom';
import { forceSimulation, forceLink, forceManyBody, forceCenter, forceCollide, select, zoom as d3zoom, zoomIdentity, quadtree, type Simulation, type ZoomTransform } from 'd3';

interface NetAnswer {
  id: string; family_root: string; family_size: number; truncated: boolean; max_nodes: number;
  nodes: Brief[]; edges: { source: string; target: string; type: string }[];
}
interface SimNode extends Brief { x?: number; y?: number; vx?: number; vy?: number; fx?: number | null; fy?: number | null }
interface SimLink { source: SimNode; target: SimNode; type: string }

export class NetworkView {
  private canvas = h('canvas', { class: 'net-canvas', 'aria-label': 'Family network' });
  private info = h('div', { class: 'family-info' });
  private body = h('div', { class: 'net-body' });
  private sim?: Simulation<SimNode, SimLink>;
  private nodes: SimNode[] = [];
  private links: SimLink[] = [];
  private t: ZoomTransform = zoomIdentity;
  private loadedFor?: string;
  private maxNodes = 1500;
  private hover: SimNode | null = null;

  constructor(private app: App, root: HTMLElement) {
    const sizeSel = h('select', { 'aria-label': 'Most nodes', onchange: (e: Event) => { this.maxNodes = Number((e.target as HTMLSelectElement).value); this.loadedFor = undefined; this.onState(); } },
      [500, 1500, 5000].map((v) => h('option', { value: String(v), selected: v === this.maxNodes }, `${fmt(v)} nodes`)));
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Family network'), this.info, sizeSel,
      h('div', { class: 'edge-legend' }, Object.entries(EDGE_COLORS).map(([k, c]) => h('span', {}, h('i', { style: { background: c } }), k)))),
    this.body);
    this.body.append(this.canvas);
  }

  show() { this.onState(); }
  hide() { this.sim?.stop(); }

  onState() {
    const id = this.app.state.model;
    if (!id) { this.sim?.stop(); clear(this.body, h('div', { class: 'hint big' }, 'Choose a model (search, or click a point on the map) to see its family network.')); clear(this.info); return; }
    if (id !== this.loadedFor) this.load(id); else this.paint();
  }

  private async load(id: string) {
    this.loadedFor = id;
    this.sim?.stop();
    clear(this.body, spinner('Loading the network…'));
    try {
      const d = await getJSON<NetAnswer>(`/api/network/family/${enc(id)}?max_nodes=${this.maxNodes}`);
      if (this.loadedFor !== id) return;
      clear(this.info, `${fmt(d.nodes.length)} of ${fmt(d.family_size)} models in the family of ${d.family_root}`, d.truncated ? h('span', { class: 'warn' }, ' (nearest first, cut)') : null);
      clear(this.body, this.canvas);
      this.start(d);
    } catch (e) {
      if (this.loadedFor === id) clear(this.body, errorBox(e, 'No network'));
    }
  }

  private start(d: NetAnswer) {
    const byId = new Map<string, SimNode>();
    this.nodes = d.nodes.map((n) => { const s: SimNode = { ...n }; byId.set(n.id, s); return s; });
    this.links = d.edges.filter((e) => byId.has(e.source) && byId.has(e.target)).map((e) => ({ source: byId.get(e.source)!, target: byId.get(e.target)!, type: e.type }));
    const focus = byId.get(d.id);
    if (focus) { focus.fx = 0; focus.fy = 0; }
    const W = this.body.clientWidth || 800, H = this.body.clientHeight || 600;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = W * dpr; this.canvas.height = H * dpr;
    this.canvas.style.width = W + 'px'; this.canvas.style.height = H + 'px';
    this.t = zoomIdentity.translate(W / 2, H / 2).scale(this.nodes.length > 1000 ? 0.35 : 0.7);
    const zb = d3zoom<HTMLCanvasElement, unknown>().scaleExtent([0.05, 8]).on('zoom', (e) => { this.t = e.transform; this.paint(); });
    select(this.canvas).call(zb).call(zb.transform, this.t);
    this.sim = forceSimulation<SimNode, SimLink>(this.nodes)
      .force('link', forceLink<SimNode, SimLink>(this.links).distance(24).strength(0.7))
      .force('charge', forceManyBody<SimNode>().strength(this.nodes.length > 1500 ? -12 : -30).distanceMax(400))
      .force('center', forceCenter(0, 0))
      .force('collide', forceCollide<SimNode>(4))
      .alphaDecay(0.04)
      .on('tick', () => this.paint())
      .on('end', () => this.fit(zb, W, H));
    const find = (e: MouseEvent) => {
      const r = this.canvas.getBoundingClientRect();
      const [x, y] = this.t.invert([e.clientX - r.left, e.clientY - r.top]);
      const q = quadtree<SimNode>().x((n) => n.x ?? 0).y((n) => n.y ?? 0).addAll(this.nodes);
      return q.find(x, y, 10 / this.t.k) ?? null;
    };
    this.canvas.onmousemove = (e) => { const n = find(e); if (n !== this.hover) { this.hover = n; this.canvas.title = n ? `${n.id}\n${fmtShort(n.downloads)} downloads` : ''; this.paint(); } };
    this.canvas.onclick = (e) => { const n = find(e); if (n) this.app.selectModel(n.id, { fly: false }); };
  }

  // When the layout has settled, zoom so the whole family fits.
  private fit(zb: ReturnType<typeof d3zoom<HTMLCanvasElement, unknown>>, W: number, H: number) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of this.nodes) { x0 = Math.min(x0, n.x ?? 0); x1 = Math.max(x1, n.x ?? 0); y0 = Math.min(y0, n.y ?? 0); y1 = Math.max(y1, n.y ?? 0); }
    if (!Number.isFinite(x0)) return;
    const k = Math.min(4, 0.9 * Math.min(W / Math.max(1, x1 - x0), H / Math.max(1, y1 - y0)));
    select(this.canvas).transition().duration(400).call(zb.transform, zoomIdentity.translate(W / 2 - k * (x0 + x1) / 2, H / 2 - k * (y0 + y1) / 2).scale(k));
  }

  private paint() {
    const g = this.canvas.getContext('2d');
    if (!g) return;
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, this.canvas.width, this.canvas.height);
    g.setTransform(dpr * this.t.k, 0, 0, dpr * this.t.k, dpr * this.t.x, dpr * this.t.y);
    g.lineWidth = 1 / this.t.k;
    for (const type of Object.keys(EDGE_COLORS)) {
      g.strokeStyle = EDGE_COLORS[type];
      g.globalAlpha = 0.6;
      g.beginPath();
      for (const l of this.links) if (l.type === type) { g.moveTo(l.source.x ?? 0, l.source.y ?? 0); g.lineTo(l.target.x ?? 0, l.target.y ?? 0); }
      g.stroke();
    }
    g.globalAlpha = 1;
    const dark = document.documentElement.dataset.theme === 'dark';
    const sel = this.app.state.model;
    for (const n of this.nodes) {
      const r = 2 + Math.log10(1 + (n.downloads ?? 0)) * 0.9;
      g.fillStyle = n.id === sel ? '#ef4444' : n === this.hover ? '#3b82f6' : n.depth === 0 ? (dark ? '#f8fafc' : '#0f172a') : (dark ? '#94a3b8' : '#475569');
      g.beginPath();
      g.arc(n.x ?? 0, n.y ?? 0, n.id === sel ? r + 3 : r, 0, Math.PI * 2);
      g.fill();
    }
    const big = [...this.nodes].filter((n) => n.id === sel || n === this.hover || n.depth === 0).slice(0, 30);
    g.font = `${12 / this.t.k}px system-ui, sans-serif`;
    g.fillStyle = dark ? '#e2e8f0' : '#0f172a';
    for (const n of big) g.fillText(n.id, (n.x ?? 0) + 8 / this.t.k, (n.y ?? 0) + 4 / this.t.k);
  }
}
