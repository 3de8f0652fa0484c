// The family tree of the selected model (/api/model/{id}/family): one
// column per generation, edges coloured by type (fine-tune, adapter,
// quantized, merge), big sibling groups folded behind "+N more", any
// subtree collapsible (click its dot), click a name to go to that model.
import type { App } from '../app';
import { EDGE_COLORS } from '../app';
import { getJSON, enc, fmt, fmtShort, type FamilyNode, type Edge } from '../api';
import { h, clear, spinner, errorBox } from '../dom';
import { select, tree as d3tree, hierarchy, type HierarchyPointNode } from 'd3';

interface FamilyAnswer {
  id: string; truncated: boolean; truncated_by: string[]; ancestors: number; descendants: number;
  nodes: FamilyNode[]; edges: Edge[];
}
interface TNode { key: string; node?: FamilyNode; type?: string; children: TNode[]; more?: { parent: string; hidden: number } }

const FOLD = 10;

export class FamilyView {
  private data?: FamilyAnswer;
  private loadedFor?: string;
  private collapsed = new Set<string>();
  private shown = new Map<string, number>();
  private body = h('div', { class: 'family-body' });
  private info = h('div', { class: 'family-info' });
  private limit = 1000;

  constructor(private app: App, root: HTMLElement) {
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Family tree'), this.info,
      h('div', { class: 'edge-legend' }, Object.entries(EDGE_COLORS).map(([k, c]) => h('span', {}, h('i', { style: { background: c } }), k)))),
    this.body);
  }

  show() { this.onState(); }
  onState() {
    const id = this.app.state.model;
    if (!id) { clear(this.body, h('div', { class: 'hint big' }, 'Choose a model (search, or click a point on the map) to see its family tree.')); clear(this.info); return; }
    if (id !== this.loadedFor) this.load(id); else this.draw();
  }

  private async load(id: string) {
    this.loadedFor = id;
    this.collapsed.clear();
    this.shown.clear();
    clear(this.body, spinner('Loading the family…'));
    try {
      const d = await getJSON<FamilyAnswer>(`/api/model/${enc(id)}/family?limit=${this.limit}`);
      if (this.loadedFor !== id) return;
      this.data = d;
      this.draw();
    } catch (e) {
      if (this.loadedFor === id) clear(this.body, errorBox(e, 'No family'));
    }
  }

  private build(): TNode[] {
    const d = this.data!;
    const byId = new Map(d.nodes.map((n) => [n.id, n]));
    const kids = new Map<string, { id: string; type: string }[]>();
    const hasParent = new Set<string>();
    for (const e of d.edges) {
      if (!byId.has(e.parent) || !byId.has(e.child)) continue;
      if (!kids.has(e.parent)) kids.set(e.parent, []);
      kids.get(e.parent)!.push({ id: e.child, type: e.type });
      hasParent.add(e.child);
    }
    // Roots: nodes with no parent among the nodes (ancestors come first).
    let roots = d.nodes.filter((n) => !hasParent.has(n.id));
    if (!roots.length) roots = [...d.nodes].sort((a, b) => a.generation - b.generation).slice(0, 1);
    const seen = new Set<string>();
    const make = (id: string, type?: string): TNode => {
      seen.add(id);
      const node = byId.get(id)!;
      const t: TNode = { key: id, node, type, children: [] };
      if (this.collapsed.has(id)) return t;
      const ch = (kids.get(id) ?? []).filter((c) => !seen.has(c.id))
        .sort((a, b) => (a.id === this.app.state.model ? -1 : b.id === this.app.state.model ? 1 : 0) ||
          ((byId.get(b.id)!.downloads ?? -1) - (byId.get(a.id)!.downloads ?? -1)) || (kids.get(b.id)?.length ?? 0) - (kids.get(a.id)?.length ?? 0));
      const limit = this.shown.get(id) ?? FOLD;
      for (const c of ch.slice(0, limit)) if (!seen.has(c.id)) t.children.push(make(c.id, c.type));
      if (ch.length > limit) t.children.push({ key: id + '#more', children: [], more: { parent: id, hidden: ch.length - limit } });
      return t;
    };
    const out: TNode[] = [];
    for (const r of roots.length ? roots : d.nodes.slice(0, 1)) if (!seen.has(r.id)) out.push(make(r.id));
    return out;
  }

  private draw() {
    const d = this.data;
    if (!d) return;
    const sel = this.app.state.model;
    clear(this.info, `${fmt(d.nodes.length)} models shown · ${fmt(d.ancestors)} ancestors, ${fmt(d.descendants)} descendants`,
      d.truncated ? h('span', { class: 'warn' }, ` · cut by ${d.truncated_by.join(', ')}`) : null,
      d.truncated ? h('button', { class: 'link', onclick: () => this.app.setView('network') }, ' see the network view') : null);
    const forest: TNode = { key: '__root', children: this.build() };
    const root = hierarchy(forest, (n) => n.children);
    const leaves = root.leaves().length;
    // Columns fit the panel when they can (180–260 px a generation); labels are cut to the column.
    let depth = 0;
    root.each((n) => { depth = Math.max(depth, n.depth); });
    const avail = Math.max(600, this.body.clientWidth - 40);
    const rowH = 22, colW = Math.max(150, Math.min(260, Math.floor((avail - 170) / Math.max(1, depth - 1))));
    const maxChars = Math.floor((colW - 24) / 7.4);
    const layout = d3tree<TNode>().nodeSize([rowH, colW]);
    const laid = layout(root);
    let x0 = Infinity, x1 = -Infinity, yMax = 0;
    laid.each((n) => { x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x); yMax = Math.max(yMax, n.y); });
    const W = yMax + colW + 40, H = Math.max(200, x1 - x0 + 60);
    const svg = select(this.body).html('').append('svg').attr('class', 'tree').attr('width', W).attr('height', H).attr('role', 'img')
      .attr('aria-label', `family tree with ${leaves} leaves`);
    const g = svg.append('g').attr('transform', `translate(${20 - colW},${30 - x0})`);
    // Generation headers.
    const gens = new Map<number, number>();
    laid.each((n) => { if (n.data.node) gens.set(n.data.node.generation, n.y); });
    for (const [gen, y] of gens) g.append('text').attr('class', 'gen-label').attr('x', y).attr('y', x0 - 14).text(gen === 0 ? 'this model' : gen < 0 ? `${-gen} up` : `generation +${gen}`);
    const links = laid.links().filter((l) => l.source.data.key !== '__root');
    g.selectAll('path.edge').data(links).join('path').attr('class', 'edge')
      .attr('d', (l) => `M${l.source.y},${l.source.x}C${(l.source.y + l.target.y) / 2},${l.source.x} ${(l.source.y + l.target.y) / 2},${l.target.x} ${l.target.y},${l.target.x}`)
      .attr('stroke', (l) => (l.target.data.more ? '#9aa0a6' : EDGE_COLORS[l.target.data.type ?? 'base'] ?? '#888'))
      .attr('stroke-dasharray', (l) => (l.target.data.more ? '3 3' : null));
    const nodes = laid.descendants().filter((n) => n.data.key !== '__root');
    const ng = g.selectAll('g.node').data(nodes).join('g').attr('class', (n) => 'node' + (n.data.node?.id === sel ? ' current' : '') + (n.data.more ? ' more' : ''))
      .attr('transform', (n) => `translate(${n.y},${n.x})`);
    ng.each((n: HierarchyPointNode<TNode>, i, els) => {
      const el = select(els[i] as SVGGElement);
      if (n.data.more) {
        const m = n.data.more;
        el.append('text').attr('x', 6).attr('dy', '0.32em').attr('class', 'more-text').attr('tabindex', 0).attr('role', 'button')
          .text(`+ ${fmt(m.hidden)} more`)
          .on('click', () => { this.shown.set(m.parent, (this.shown.get(m.parent) ?? FOLD) + 40); this.draw(); })
          .on('keydown', (e: KeyboardEvent) => { if (e.key === 'Enter') { this.shown.set(m.parent, (this.shown.get(m.parent) ?? FOLD) + 40); this.draw(); } });
        return;
      }
      const node = n.data.node!;
      const isCollapsed = this.collapsed.has(node.id);
      el.append('circle').attr('r', 5).attr('class', isCollapsed ? 'collapsed' : '')
        .append('title').text(isCollapsed ? 'expand' : 'collapse this subtree');
      el.select('circle').on('click', () => { if (this.collapsed.has(node.id)) this.collapsed.delete(node.id); else this.collapsed.add(node.id); this.draw(); });
      // Cut in the middle: siblings often share a long prefix and differ at the end.
      const head = Math.ceil((maxChars - 1) * 0.4);
      const label = node.id.length > maxChars ? node.id.slice(0, head) + '…' + node.id.slice(node.id.length - (maxChars - 1 - head)) : node.id;
      el.append('text').attr('x', 9).attr('dy', '0.32em').attr('class', 'name').attr('tabindex', 0).attr('role', 'link')
        .attr('data-id', node.id)
        .text(label)
        .on('click', () => this.app.selectModel(node.id, { fly: false }))
        .on('keydown', (e: KeyboardEvent) => { if (e.key === 'Enter') this.app.selectModel(node.id, { fly: false }); })
        .append('title').text(`${node.id}\n${node.library ?? '—'} · ${node.pipeline ?? '—'}\n${fmtShort(node.downloads)} downloads · ${fmtShort(node.likes)} likes`);
    });
  }
}
