// Charts of the current filter: /api/histogram of downloads and likes (bins
// over log10(1 + v), drawn on a log axis), created date and depth.
import type { App } from '../app';
import { getJSON, fmt } from '../api';
import { h, clear, spinner, errorBox, debounce } from '../dom';
import { filterParams, filtersActive } from '../state';
import { histogram, type Bin } from './chart';

interface HistAnswer { field: string; log: boolean; count: number; missing: number; mean: number; bins: Bin[] }

const CHARTS: { field: string; title: string; xKind: 'log' | 'time' | 'linear'; xLabel: string; bins: number }[] = [
  { field: 'downloads', title: 'Downloads', xKind: 'log', xLabel: 'downloads (log scale)', bins: 40 },
  { field: 'likes', title: 'Likes', xKind: 'log', xLabel: 'likes (log scale)', bins: 40 },
  { field: 'created', title: 'Created', xKind: 'time', xLabel: 'creation date', bins: 60 },
  { field: 'depth', title: 'Depth', xKind: 'linear', xLabel: 'generations below the family root', bins: 50 },
];

export class ChartsView {
  private grid = h('div', { class: 'chart-grid' });
  private note = h('div', { class: 'family-info' });
  private yLog = true;
  private seq = 0;

  constructor(private app: App, root: HTMLElement) {
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Charts'), this.note,
      h('label', { class: 'chk' }, h('input', { type: 'checkbox', checked: this.yLog, onchange: (e: Event) => { this.yLog = (e.target as HTMLInputElement).checked; this.load(); } }), 'log count axis')),
    this.grid);
  }

  show() { this.load(); }
  onState = debounce(() => this.load(), 200);

  private async load() {
    const seq = ++this.seq;
    const f = this.app.state.filters;
    clear(this.note, filtersActive(f) ? 'for the models that pass the filters' : 'for all models', h('span', { class: 'muted' }, ' · change the filters on the left'));
    const boxes = CHARTS.map((c) => {
      const body = h('div', { class: 'chart-body', id: 'chart-' + c.field }, spinner());
      return { c, body, el: h('figure', { class: 'chart-card' }, h('figcaption', {}, c.title), body) };
    });
    clear(this.grid, boxes.map((b) => b.el));
    await Promise.all(boxes.map(async ({ c, body, el }) => {
      const p = filterParams(f);
      p.set('field', c.field);
      p.set('bins', String(c.bins));
      try {
        const r = await getJSON<HistAnswer>(`/api/histogram?${p}`);
        if (seq !== this.seq) return;
        histogram(body, r.bins, { xKind: c.xKind, yLog: this.yLog, xLabel: c.xLabel, width: Math.max(320, el.clientWidth - 24) });
        body.append(h('div', { class: 'muted small' }, `${fmt(r.count)} models · mean ${c.field === 'created' ? (r.mean ? new Date(r.mean * 1000).toISOString().slice(0, 10) : '—') : fmt(Math.round(r.mean * 10) / 10)}${r.missing ? ` · ${fmt(r.missing)} without a value` : ''}`));
      } catch (e) { if (seq === this.seq) clear(body, errorBox(e)); }
    }));
  }
}
