// The filters panel: ranges, facets with live counts (/api/facets counts
// each facet under every filter but its own), base-only, depth, dates, cluster.
import type { App, ClusterInfo } from '../app';
import { getJSON, fmt, fmtShort } from '../api';
import { h, clear, debounce } from '../dom';
import { logCodeValue, logCode } from '../points';
import { type Filters, type Facet, FACETS, filterParams, emptyFilters } from '../state';

interface FacetValues { distinct: number; values: { value: string; count: number }[] }
interface FacetsAnswer { count: number; facets: Record<Facet, FacetValues> }

const copy = (f: Filters): Filters => ({ ...f, library: [...f.library], pipeline: [...f.pipeline], license: [...f.license], language: [...f.language] });

export class FiltersPanel {
  private facets?: FacetsAnswer;
  private clusters: ClusterInfo[] = [];
  private abort: AbortController | null = null;
  private expanded = new Set<Facet>();
  private countEl = h('div', { class: 'filter-count', 'aria-live': 'polite' });
  private facetBox = h('div', { class: 'facets' });
  private clusterSel = h('select', { id: 'f-cluster', 'aria-label': 'Cluster' });

  constructor(private app: App, private root: HTMLElement) {}

  private set(mut: (f: Filters) => void, push = false) {
    const f = copy(this.app.state.filters);
    mut(f);
    for (const k of Object.keys(f) as (keyof Filters)[]) if (f[k] === undefined) delete f[k];
    this.app.setFilters(f, push);
  }

  showCount(count: number | undefined, total: number) {
    this.countEl.textContent = count === undefined ? `All ${fmt(total)} models` : `${fmt(count)} of ${fmt(total)} models`;
    this.countEl.dataset.count = String(count ?? total);
  }

  setClusters(c: ClusterInfo[]) { this.clusters = c; this.fillClusters(); }
  private fillClusters() {
    const cur = this.app.state.filters.cluster;
    clear(this.clusterSel, h('option', { value: '' }, 'any cluster'),
      [...this.clusters].sort((a, b) => b.size - a.size).map((c) => h('option', { value: String(c.id), selected: c.id === cur }, `${c.id}: ${c.label} (${fmtShort(c.size)})`)));
  }

  private range(label: string, id: string, lo: number | undefined, hi: number | undefined, apply: (lo?: number, hi?: number) => void) {
    // Sliders move over log10(1 + v) codes, like the points' byte columns.
    const a = h('input', { type: 'range', min: '0', max: '200', step: '1', value: String(lo === undefined ? 0 : logCode(lo)), id: id + '-min', 'aria-label': `minimum ${label}` });
    const b = h('input', { type: 'range', min: '0', max: '200', step: '1', value: String(hi === undefined ? 200 : logCode(hi)), id: id + '-max', 'aria-label': `maximum ${label}` });
    const out = h('output', { for: `${id}-min ${id}-max` });
    const read = (): [number | undefined, number | undefined] => {
      let x = Number(a.value), y = Number(b.value);
      if (x > y) [x, y] = [y, x];
      return [x === 0 ? undefined : logCodeValue(x), y === 200 ? undefined : logCodeValue(y)];
    };
    const show = () => { const [x, y] = read(); out.textContent = `${x === undefined ? '0' : fmtShort(x)} – ${y === undefined ? 'max' : fmtShort(y)}`; };
    show();
    const onInput = () => { show(); const [x, y] = read(); apply(x, y); };
    a.addEventListener('input', onInput);
    b.addEventListener('input', onInput);
    return h('div', { class: 'field' }, h('div', { class: 'field-head' }, h('span', {}, label), out), h('div', { class: 'dual' }, a, b));
  }

  render() {
    const f = this.app.state.filters;
    const maxDepth = this.app.stats?.max_depth ?? 20;
    const depthIn = h('input', { type: 'range', min: '0', max: String(Math.min(50, Math.max(1, maxDepth))), value: String(f.maxDepth ?? Math.min(50, maxDepth)), id: 'f-depth', 'aria-label': 'maximum depth' });
    const depthOut = h('output', {}, f.maxDepth === undefined ? 'any' : `≤ ${f.maxDepth}`);
    depthIn.addEventListener('input', () => {
      const v = Number(depthIn.value);
      const any = v >= Math.min(50, maxDepth);
      depthOut.textContent = any ? 'any' : `≤ ${v}`;
      this.set((g) => { g.maxDepth = any ? undefined : v; });
    });
    this.clusterSel.onchange = () => this.set((g) => { g.cluster = this.clusterSel.value === '' ? undefined : Number(this.clusterSel.value); }, true);
    this.fillClusters();
    const from = h('input', { type: 'month', id: 'f-from', value: f.createdFrom ?? '', 'aria-label': 'created from (month)' });
    const to = h('input', { type: 'month', id: 'f-to', value: f.createdTo ?? '', 'aria-label': 'created to (month)' });
    from.addEventListener('change', () => this.set((g) => { g.createdFrom = from.value || undefined; }, true));
    to.addEventListener('change', () => this.set((g) => { g.createdTo = to.value || undefined; }, true));
    clear(this.root,
      h('div', { class: 'panel-head' }, h('h2', {}, 'Filters'),
        h('button', { class: 'link', id: 'f-reset', onclick: () => { this.app.setFilters(emptyFilters(), true); this.render(); } }, 'reset')),
      this.countEl,
      this.range('Downloads', 'f-dl', f.minDownloads, f.maxDownloads, (lo, hi) => this.set((g) => { g.minDownloads = lo; g.maxDownloads = hi; })),
      this.range('Likes', 'f-likes', f.minLikes, f.maxLikes, (lo, hi) => this.set((g) => { g.minLikes = lo; g.maxLikes = hi; })),
      h('label', { class: 'chk field' }, h('input', { type: 'checkbox', id: 'f-base', checked: f.baseOnly, onchange: (e: Event) => this.set((g) => { g.baseOnly = (e.target as HTMLInputElement).checked; }, true) }), 'Base models only (no declared parent)'),
      h('div', { class: 'field' }, h('div', { class: 'field-head' }, h('span', {}, 'Depth (generations below the root)'), depthOut), depthIn),
      h('div', { class: 'field' }, h('div', { class: 'field-head' }, h('span', {}, 'Created')), h('div', { class: 'months' }, from, h('span', {}, '–'), to)),
      h('div', { class: 'field' }, h('div', { class: 'field-head' }, h('span', {}, 'Cluster')), this.clusterSel),
      this.facetBox,
    );
    this.renderFacets();
    if (this.app.pts || this.app.stats) this.showCount(this.app.filteredCount, this.app.stats?.models ?? this.app.pts.n);
    if (!this.facets) this.refreshFacets();
  }

  refreshFacets = debounce(async () => {
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    // One request per facet, each without its own filter, is what /api/facets does server-side in one go.
    const p = filterParams(this.app.state.filters);
    p.set('top', '40');
    try {
      this.facets = await getJSON<FacetsAnswer>(`/api/facets?${p}`, ac.signal);
      this.renderFacets();
    } catch (e) {
      if ((e as Error).name !== 'AbortError') clear(this.facetBox, h('div', { class: 'error' }, `Facets unavailable: ${(e as Error).message}`));
    }
  }, 200);

  private renderFacets() {
    if (!this.facets) { clear(this.facetBox, h('div', { class: 'loading' }, h('span', { class: 'spin' }), ' counting…')); return; }
    const f = this.app.state.filters;
    clear(this.facetBox, FACETS.map((k) => {
      const fv = this.facets!.facets[k];
      if (!fv) return null;
      const chosen = new Set(f[k]);
      let values = fv.values;
      // Chosen values stay listed even when the other filters leave them at 0.
      for (const v of chosen) if (!values.some((x) => x.value === v)) values = [...values, { value: v, count: 0 }];
      const limit = this.expanded.has(k) ? 40 : 8;
      const shown = values.slice(0, limit);
      return h('fieldset', { class: 'facet', id: 'facet-' + k },
        h('legend', {}, k, h('span', { class: 'muted' }, ` · ${fmt(fv.distinct)} values`)),
        shown.map((v) => h('label', { class: 'facet-row' + (v.count === 0 ? ' zero' : '') },
          h('input', { type: 'checkbox', value: v.value, checked: chosen.has(v.value), 'data-facet': k,
            onchange: (e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              this.set((g) => { g[k] = on ? [...g[k], v.value] : g[k].filter((x) => x !== v.value); }, true);
            } }),
          h('span', { class: 'fv' }, v.value),
          h('span', { class: 'fc' }, fmtShort(v.count)))),
        values.length > limit || this.expanded.has(k)
          ? h('button', { class: 'link', onclick: () => { if (this.expanded.has(k)) this.expanded.delete(k); else this.expanded.add(k); this.renderFacets(); } }, this.expanded.has(k) ? 'fewer' : `more (${values.length - limit})`)
          : null);
    }));
  }
}
