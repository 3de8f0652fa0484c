// The families page: the largest families (/api/families/top), the size
// and depth distributions (/api/families/stats) and, for a chosen family,
// its growth over time and depth profile (/api/families/stats?family=).
import type { App } from '../app';
import { getJSON, fmt, fmtShort, type Brief } from '../api';
import { h, clear, spinner, errorBox } from '../dom';
import { bars, growth } from './chart';

interface TopAnswer {
  by: string; families_total: number; models_total: number;
  families: { root: string; family: number; size: number; max_depth: number; downloads: number; likes: number; edges: Record<string, number>; root_model: Brief }[];
}
interface StatsAnswer {
  models: number; families: number; families_with_edges: number; models_in_families_with_edges: number; mean_size_with_edges: number;
  largest: { root: string; size: number }; max_depth: number;
  size_distribution: { min: number; max: number; families: number; models: number }[];
  depth_distribution: { depth: number; families: number }[];
}
interface FamilyStats {
  family: { root: string; size: number; max_depth: number; downloads: number; likes: number; edges: Record<string, number> };
  depth_distribution: { depth: number; models: number }[]; created_unknown: number;
  growth: { month: string; new: number; cumulative: number }[];
}

export class FamiliesView {
  private by: 'size' | 'downloads' | 'depth' = 'size';
  private chosen?: string;
  private table = h('div', { class: 'fam-table' });
  private overview = h('div', { class: 'chart-grid' });
  private detail = h('div', { class: 'fam-detail' });
  private loaded = false;

  constructor(private app: App, root: HTMLElement) {
    const bySel = h('select', { 'aria-label': 'Rank families by', onchange: (e: Event) => { this.by = (e.target as HTMLSelectElement).value as typeof this.by; this.loadTop(); } },
      ['size', 'downloads', 'depth'].map((v) => h('option', { value: v }, `largest by ${v}`)));
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Families'), bySel),
      h('div', { class: 'fam-layout' }, h('div', {}, this.table), h('div', {}, this.detail, this.overview)));
  }

  show() {
    if (!this.loaded) { this.loaded = true; this.loadTop(); this.loadOverview(); }
    const root = this.app.details?.family?.root;
    if (root && !this.chosen) this.choose(root);
  }

  private async loadTop() {
    clear(this.table, spinner('Loading families…'));
    try {
      const t = await getJSON<TopAnswer>(`/api/families/top?limit=40&by=${this.by}`);
      clear(this.table,
        h('div', { class: 'muted' }, `${fmt(t.families_total)} families of 2 or more, holding ${fmt(t.models_total)} models`),
        h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'root'), h('th', { class: 'num' }, 'models'), h('th', { class: 'num' }, 'depth'), h('th', { class: 'num' }, 'downloads'), h('th', {}, 'edges'))),
          h('tbody', {}, t.families.map((f, i) => h('tr', { class: f.root === this.chosen ? 'chosen' : '', tabindex: '0', onclick: () => this.choose(f.root), onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') this.choose(f.root); } },
            h('td', {}, String(i + 1)),
            h('td', { class: 'id' }, f.root),
            h('td', { class: 'num' }, fmt(f.size)),
            h('td', { class: 'num' }, String(f.max_depth)),
            h('td', { class: 'num' }, fmtShort(f.downloads)),
            h('td', { class: 'edges' }, Object.entries(f.edges).filter(([k, v]) => k !== 'total' && v > 0).map(([k, v]) => `${k} ${fmtShort(v)}`).join(' · ')))))));
    } catch (e) { clear(this.table, errorBox(e, 'Families unavailable')); }
  }

  private async loadOverview() {
    const a = h('figure', { class: 'chart-card' }, h('figcaption', {}, 'Family sizes'), h('div', { class: 'chart-body' }, spinner()));
    const b = h('figure', { class: 'chart-card' }, h('figcaption', {}, 'Family depths'), h('div', { class: 'chart-body' }, spinner()));
    clear(this.overview, a, b);
    try {
      const s = await getJSON<StatsAnswer>('/api/families/stats');
      bars(a.querySelector('.chart-body')!, s.size_distribution.map((d) => ({ label: d.min === d.max ? String(d.min) : `${fmtShort(d.min)}–${fmtShort(d.max)}`, value: d.families, title: `${d.min}–${d.max} models: ${d.families.toLocaleString()} families, ${d.models.toLocaleString()} models` })),
        { xLabel: 'models in the family', yLabel: 'families (log)', yLog: true });
      bars(b.querySelector('.chart-body')!, s.depth_distribution.map((d) => ({ label: String(d.depth), value: d.families })), { xLabel: 'deepest generation', yLabel: 'families (log)', yLog: true });
      a.append(h('div', { class: 'muted small' }, `${fmt(s.families)} families in all; ${fmt(s.families_with_edges)} with edges (mean size ${s.mean_size_with_edges.toFixed(1)}); largest ${s.largest.root} (${fmt(s.largest.size)})`));
    } catch (e) { clear(this.overview, errorBox(e, 'Family statistics unavailable')); }
  }

  private async choose(root: string) {
    this.chosen = root;
    this.table.querySelectorAll('tr').forEach((tr) => tr.classList.toggle('chosen', tr.querySelector('.id')?.textContent === root));
    clear(this.detail, spinner(`Loading ${root}…`));
    try {
      const s = await getJSON<FamilyStats>(`/api/families/stats?family=${encodeURIComponent(root)}`);
      if (this.chosen !== root) return;
      const g = h('div', { class: 'chart-body' });
      const d = h('div', { class: 'chart-body' });
      clear(this.detail, h('div', { class: 'chart-card' },
        h('h3', {}, s.family.root, ' ', h('button', { class: 'link', onclick: () => this.app.selectModel(s.family.root, { fly: true }) }, 'select'),
          h('button', { class: 'link', onclick: () => { this.app.selectModel(s.family.root, { fly: false }); this.app.setView('family'); } }, 'tree')),
        h('div', { class: 'muted' }, `${fmt(s.family.size)} models · ${s.family.max_depth} generations · ${fmtShort(s.family.downloads)} downloads · ${fmt(s.created_unknown)} without a date`),
        h('figure', {}, h('figcaption', {}, 'Growth over time'), g),
        h('figure', {}, h('figcaption', {}, 'Models per generation'), d)));
      growth(g, s.growth);
      bars(d, s.depth_distribution.map((x) => ({ label: String(x.depth), value: x.models })), { xLabel: 'generation', yLabel: 'models (log)', yLog: true, height: 180 });
    } catch (e) { clear(this.detail, errorBox(e)); }
  }
}
