// The application: state, the points, the 2D map and the wiring between
// panels.  Views other than the map live in ui/*.ts and are built on first use.
import { ApiError, getBinary, getJSON, rows, cachedRow, enc, fmt, fmtShort, type Brief, type ModelDetails } from './api';
import { decodePoints, type Points } from './points';
import { MapRenderer, type OverlayItem } from './render';
import { buildGrid, nearest, inPolygon, type Grid } from './grid';
import { colorMapping, EXTRA_FOR_COLOR, type ColorMapping } from './colors';
import { computeMask, neededColumns } from './mask';
import {
  type AppState, type View, type Filters, type ColorBy, type SizeBy, COLOR_BYS, SIZE_BYS, VIEWS,
  urlToState, stateToUrl, filterParams, filtersActive,
} from './state';
import { h, $, clear, debounce, errorBox } from './dom';
import { interpolateZoom } from 'd3';
import { FiltersPanel } from './ui/filters';
import { DetailsPanel } from './ui/details';
import { SearchBox } from './ui/search';
import { Minimap } from './ui/minimap';
import { SelectionPanel } from './ui/selection';
import { ModelCounter } from './ui/counter';

export const EDGE_COLORS: Record<string, string> = {
  base: '#8b95a1', finetune: '#3b82f6', adapter: '#16a34a', quantized: '#f59e0b', merge: '#a855f7',
};

export interface Stats {
  models: number; edges: number; families: number; largest_family: number; max_depth: number;
  clusters: number; layouts: number[]; has_cards: boolean; created_first: string | null; created_last: string | null;
}
export interface ClusterInfo { id: number; label: string; size: number; centroid2d: number[]; median2d: number[]; centroid3d: number[] }

interface ViewModule { show(): void; hide?(): void; onState?(): void; refresh?(): void }

const VIEW_LABELS: Record<View, string> = {
  map: 'Map', '3d': '3D', family: 'Family tree', network: 'Family network', charts: 'Charts', families: 'Families', science: 'Science', growth: 'Growth',
};

declare global {
  interface Window { __hfviz: Record<string, unknown> }
}

export class App {
  state: AppState;
  pts!: Points;
  stats?: Stats;
  clusters: ClusterInfo[] = [];
  renderer!: MapRenderer;
  grid?: Grid;
  mask!: Uint8Array;
  passing = 0;
  colors?: ColorMapping;
  details?: ModelDetails;
  selection: Uint32Array | null = null;
  hover = -1;
  private extraLoaded = new Set<string>();
  private extraLoading: Promise<void> | null = null;
  private views: Partial<Record<View, ViewModule>> = {};
  filtersPanel!: FiltersPanel;
  detailsPanel!: DetailsPanel;
  selectionPanel!: SelectionPanel;
  minimap!: Minimap;
  counter!: ModelCounter;
  private familyLines: OverlayItem[] = [];
  private countAbort: AbortController | null = null;
  private labelsEl!: HTMLElement;
  private tooltip!: HTMLElement;
  private lassoCanvas!: HTMLCanvasElement;
  lassoMode = false;
  readonly timing: Record<string, number> = {};

  constructor() {
    this.state = urlToState(location.pathname + location.search);
    window.__hfviz = { state: this.state, timing: this.timing, ready: false, app: this };
  }

  // ---- layout ------------------------------------------------------------
  private layout() {
    const root = $('#app');
    // The model counter (hidden until the server has a model-count snapshot); a new
    // snapshot refreshes the growth page when it is showing.
    this.counter = new ModelCounter(() => this.setView('growth'), () => { if (this.state.view === 'growth') this.views.growth?.refresh?.(); });
    const tabs = VIEWS.map((v) => h('a', {
      href: '/' + v, class: 'tab', 'data-view': v,
      onclick: (e: MouseEvent) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); this.setView(v); },
    }, VIEW_LABELS[v]));
    const colorSel = h('select', { id: 'color-by', 'aria-label': 'Colour points by', onchange: (e: Event) => this.setColorBy((e.target as HTMLSelectElement).value as ColorBy) },
      COLOR_BYS.map((c) => h('option', { value: c, selected: c === this.state.colorBy }, c === 'created' ? 'created date' : c)));
    const sizeSel = h('select', { id: 'size-by', 'aria-label': 'Size points by', onchange: (e: Event) => this.setSizeBy((e.target as HTMLSelectElement).value as SizeBy) },
      SIZE_BYS.map((c) => h('option', { value: c, selected: c === this.state.sizeBy }, c === 'none' ? 'same size' : c)));
    clear(root,
      h('header', { class: 'top' },
        h('a', { class: 'brand', href: '/', onclick: (e: MouseEvent) => { e.preventDefault(); this.setView('map'); } }, h('span', { class: 'logo' }), 'hfviz'),
        h('nav', { class: 'tabs', 'aria-label': 'Views' }, tabs),
        h('div', { id: 'search-slot', class: 'search-slot' }),
        h('div', { class: 'count', id: 'count', 'aria-live': 'polite' }, ''),
        this.counter.el,
        h('button', { class: 'icon', id: 'theme', title: 'Switch light / dark theme', 'aria-label': 'Switch theme', onclick: () => this.toggleTheme() }, '◐'),
      ),
      h('div', { class: 'body' },
        h('aside', { class: 'left', id: 'filters', 'aria-label': 'Filters' }),
        h('main', { id: 'main' },
          h('section', { class: 'view', id: 'view-map' },
            h('div', { class: 'map-wrap', id: 'map-wrap' },
              h('canvas', { id: 'map', tabindex: '0', 'aria-label': 'Map of models. Drag to pan, wheel to zoom, shift-drag to select.' }),
              h('canvas', { id: 'lasso' }),
              h('div', { id: 'labels', class: 'labels' }),
              h('div', { id: 'tooltip', class: 'tooltip', role: 'tooltip', hidden: true }),
              h('div', { class: 'map-tools' },
                h('label', {}, 'Colour ', colorSel),
                h('label', {}, 'Size ', sizeSel),
                h('button', { id: 'lasso-btn', title: 'Lasso: draw around points to select them (or shift-drag)', 'aria-pressed': 'false', onclick: () => this.toggleLasso() }, 'Lasso'),
                h('button', { title: 'Show the whole map', onclick: () => this.flyTo(this.renderer.home) }, 'Reset view'),
                h('label', { class: 'chk', title: 'Show cluster labels' }, h('input', { type: 'checkbox', id: 'show-labels', checked: true, onchange: () => this.placeLabels() }), 'labels'),
                h('label', { class: 'chk', title: "Draw the selected model's family edges (3 generations)" }, h('input', { type: 'checkbox', id: 'show-edges', checked: true, onchange: () => this.showLines() }), 'family edges'),
              ),
              h('div', { id: 'legend', class: 'legend', 'aria-label': 'Legend' }),
              h('div', { id: 'minimap-slot', class: 'minimap' }),
              h('div', { id: 'map-status', class: 'map-status' }),
            ),
          ),
          VIEWS.filter((v) => v !== 'map').map((v) => h('section', { class: 'view', id: 'view-' + v, hidden: true })),
        ),
        h('aside', { class: 'right', id: 'side' },
          h('div', { id: 'selection' }),
          h('div', { id: 'details' }, h('div', { class: 'hint' }, 'Click a point, or search for a model, to see its details.')),
        ),
      ),
      h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'assertive' }),
    );
    this.labelsEl = $('#labels');
    this.tooltip = $('#tooltip');
    this.lassoCanvas = $('#lasso') as HTMLCanvasElement;
  }

  toast(msg: string | Node, kind: 'error' | 'info' = 'info') {
    const el = h('div', { class: 'toast ' + kind, role: kind === 'error' ? 'alert' : 'status' }, msg,
      h('button', { class: 'icon', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'));
    $('#toasts').append(el);
    if (kind === 'info') setTimeout(() => el.remove(), 5000);
  }

  toggleTheme() {
    const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = t;
    try { localStorage.setItem('hfviz-theme', t); } catch { /* private mode */ }
    this.minimap?.draw();
    for (const v of Object.values(this.views)) v?.onState?.();
  }

  // ---- start -------------------------------------------------------------
  async start() {
    this.layout();
    this.filtersPanel = new FiltersPanel(this, $('#filters'));
    this.detailsPanel = new DetailsPanel(this, $('#details'));
    this.selectionPanel = new SelectionPanel(this, $('#selection'));
    new SearchBox(this, $('#search-slot'));
    this.counter.start();
    const status = $('#map-status');
    clear(status, h('div', { class: 'loading big', role: 'status' }, h('span', { class: 'spin' }), ' Loading the map…'));
    const t0 = performance.now();
    this.timing.start = t0;
    const statsP = getJSON<Stats>('/api/stats').then((s) => { this.stats = s; this.showCount(); return s; }).catch(() => undefined);
    try {
      const label = h('span', {}, ' Loading the map…');
      clear(status, h('div', { class: 'loading big', role: 'status' }, h('span', { class: 'spin' }), label));
      let shown = 0;
      const body = await getBinary('/api/points?dims=2', undefined, (bytes) => {
        if (bytes - shown < 1 << 20) return;
        shown = bytes;
        label.textContent = ` Loading the map… ${(bytes / 2 ** 20).toFixed(0)}${this.stats ? ` of ~${(this.stats.models * 16 / 2 ** 20).toFixed(0)}` : ''} MB`;
      });
      this.timing.fetched = performance.now() - t0;
      clear(status, h('div', { class: 'loading big', role: 'status' }, h('span', { class: 'spin' }), ' Drawing…'));
      this.pts = decodePoints(body);
      this.timing.decoded = performance.now() - t0;
    } catch (e) {
      clear(status, h('div', { class: 'error big', role: 'alert' }, h('b', {}, 'The map could not be loaded. '),
        e instanceof ApiError && e.status === 404 ? 'This map has no 2D layout (build it with a layout).' : (e as Error).message,
        h('div', {}, h('button', { onclick: () => location.reload() }, 'Try again'))));
      window.__hfviz.error = String(e);
      this.setView(this.state.view === 'map' ? 'families' : this.state.view, false);
      return;
    }
    try {
      this.renderer = new MapRenderer($('#map') as HTMLCanvasElement);
    } catch (e) {
      clear(status, errorBox(e, 'No WebGL'));
      window.__hfviz.error = String(e);
      return;
    }
    const n = this.pts.n;
    window.__hfviz.points = n;
    this.mask = new Uint8Array(n);
    const { min, max } = this.pts.header.bounds;
    this.renderer.setPoints(this.pts.coords, n, min, max);
    if (this.state.camera) this.renderer.camera = { ...this.state.camera };
    await this.applyColor(false);
    this.applySize(false);
    this.passing = computeMask(this.pts, this.state.filters, this.mask);
    this.renderer.setMask(this.mask);
    if (filtersActive(this.state.filters)) this.renderLegend();
    let first = true;
    this.renderer.onFrame = () => {
      if (!first) return;
      first = false;
      this.renderer.finish();
      this.timing.firstFrame = performance.now() - t0;
      this.timing.firstFrameSinceNavigation = performance.now();
      window.__hfviz.firstFrame = this.timing.firstFrame;
      clear(status);
    };
    this.renderer.draw();
    this.bindMap();
    window.addEventListener('resize', debounce(() => { this.renderer.resize(); this.placeLabels(); this.minimap.draw(); }, 100));
    this.minimap = new Minimap(this, $('#minimap-slot'));
    // The spatial index after the first frame: the map shows before it exists.
    setTimeout(() => {
      const g0 = performance.now();
      this.grid = buildGrid(this.pts.coords, n, min, max);
      this.timing.grid = performance.now() - g0;
      if (this.state.lasso) this.applyLasso(this.state.lasso, false);
      window.__hfviz.ready = true;
    }, 0);
    statsP.then(() => this.showCount());
    getJSON<{ clusters: ClusterInfo[] }>('/api/clusters').then((c) => { this.clusters = c.clusters; this.placeLabels(); this.filtersPanel.setClusters(c.clusters); })
      .catch((e) => this.toast(`Cluster labels unavailable: ${(e as Error).message}`, 'error'));
    // Filters that need extra columns (language, created) refine the mask once they arrive.
    if (neededColumns(this.state.filters).length) this.ensureColumns(neededColumns(this.state.filters)).then(() => this.refreshMask());
    this.filtersPanel.render();
    this.refreshCount();
    if (this.state.model) this.selectModel(this.state.model, { fly: !this.state.camera, push: false });
    this.setView(this.state.view, false);
    window.addEventListener('popstate', () => this.applyUrl());
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  private applyUrl() {
    const s = urlToState(location.pathname + location.search);
    const colorChanged = s.colorBy !== this.state.colorBy, sizeChanged = s.sizeBy !== this.state.sizeBy;
    const modelChanged = s.model !== this.state.model;
    Object.assign(this.state, s);
    window.__hfviz.state = this.state;
    if (colorChanged) this.applyColor(true);
    if (sizeChanged) this.applySize(true);
    ($('#color-by') as HTMLSelectElement).value = s.colorBy;
    ($('#size-by') as HTMLSelectElement).value = s.sizeBy;
    if (s.camera) { this.renderer.camera = { ...s.camera }; this.renderer.redraw(); this.viewChanged(); }
    this.filtersPanel.render();
    this.setFilters(s.filters, false);
    if (s.lasso) this.applyLasso(s.lasso, false); else this.clearSelection(false);
    if (modelChanged) { if (s.model) this.selectModel(s.model, { fly: !s.camera, push: false }); else this.clearModel(false); }
    this.setView(s.view, false);
  }

  // ---- URL state -----------------------------------------------------------
  syncUrl(push = false) {
    const url = stateToUrl(this.state);
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
    window.__hfviz.url = url;
  }
  private syncCamera = debounce(() => {
    const c = this.renderer.camera;
    this.state.camera = { x: c.x, y: c.y, zoom: c.zoom };
    this.syncUrl(false);
  }, 250);

  // ---- views ----------------------------------------------------------------
  async setView(v: View, push = true) {
    this.state.view = v;
    document.querySelectorAll('.tab').forEach((t) => t.setAttribute('aria-current', (t as HTMLElement).dataset.view === v ? 'page' : 'false'));
    for (const w of VIEWS) {
      const el = document.getElementById('view-' + w)!;
      const on = w === v;
      if (el.hidden === on) el.hidden = !on;
      if (!on) this.views[w]?.hide?.();
    }
    document.body.dataset.view = v;
    this.syncUrl(push);
    if (v === 'map') { this.renderer?.resize(); this.placeLabels(); return; }
    let mod = this.views[v];
    if (!mod) {
      const el = document.getElementById('view-' + v)!;
      try {
        if (v === '3d') { const m = await import('./ui/three3d'); mod = new m.View3D(this, el); }
        else if (v === 'family') { const m = await import('./ui/family'); mod = new m.FamilyView(this, el); }
        else if (v === 'network') { const m = await import('./ui/network'); mod = new m.NetworkView(this, el); }
        else if (v === 'charts') { const m = await import('./ui/charts'); mod = new m.ChartsView(this, el); }
        else if (v === 'families') { const m = await import('./ui/families'); mod = new m.FamiliesView(this, el); }
        else if (v === 'science') { const m = await import('./ui/science'); mod = new m.ScienceView(this, el); }
        else if (v === 'growth') { const m = await import('./ui/growth'); mod = new m.GrowthView(this, el); }
      } catch (e) {
        clear(el, errorBox(e, 'This view failed to load'));
        return;
      }
      this.views[v] = mod;
    }
    if (this.state.view === v) mod?.show();
  }
  notifyViews() { for (const [k, v] of Object.entries(this.views)) if (k === this.state.view) v?.onState?.(); }

  // ---- extra columns (language, family, trending, created) ---------------------
  async ensureColumns(names: string[]): Promise<void> {
    const need = names.filter((c) => !this.pts.columns[c] && !this.extraLoaded.has(c));
    if (!need.length) return;
    if (this.extraLoading) { await this.extraLoading; return this.ensureColumns(names); }
    const all = ['language', 'family', 'trending', 'created'];
    this.extraLoading = (async () => {
      const t = performance.now();
      this.toast('Loading more point fields…');
      const body = await getBinary(`/api/points?dims=2&fields=${all.join(',')}`);
      const extra = decodePoints(body);
      if (extra.n !== this.pts.n) throw new Error('the extra point fields do not match the map');
      for (const c of all) if (extra.columns[c]) { this.pts.columns[c] = extra.columns[c]; this.extraLoaded.add(c); }
      Object.assign(this.pts.header.dictionaries, extra.header.dictionaries, { cluster: this.pts.header.dictionaries.cluster });
      this.timing.extra = performance.now() - t;
    })();
    try { await this.extraLoading; } finally { this.extraLoading = null; }
  }

  // ---- colour and size ---------------------------------------------------------
  async setColorBy(c: ColorBy) {
    this.state.colorBy = c;
    ($('#color-by') as HTMLSelectElement).value = c;
    this.syncUrl(false);
    await this.applyColor(true);
  }
  async applyColor(redraw: boolean) {
    const by = this.state.colorBy;
    const extra = EXTRA_FOR_COLOR[by];
    if (extra && !this.pts.columns[extra]) {
      try { await this.ensureColumns([extra]); } catch (e) { this.toast(`Cannot colour by ${by}: ${(e as Error).message}`, 'error'); return; }
    }
    if (by !== this.state.colorBy) return;
    const m = colorMapping(by, this.pts);
    if (!m) { this.toast(`This map has no ${by} field to colour by.`, 'error'); return; }
    this.colors = m;
    this.renderer.backNone = ['library', 'pipeline', 'license', 'language', 'family'].includes(by);
    this.renderer.setPalette(m.palette);
    this.renderer.setColors(m.codes);
    this.renderLegend();
    this.minimap?.rebuild();
    this.views['3d'] && this.state.view === '3d' && this.views['3d'].onState?.();
    if (redraw) this.renderer.redraw();
  }
  async setSizeBy(s: SizeBy) {
    this.state.sizeBy = s;
    ($('#size-by') as HTMLSelectElement).value = s;
    this.syncUrl(false);
    this.applySize(true);
  }
  async applySize(_redraw: boolean) {
    const s = this.state.sizeBy;
    if (s === 'none') { this.renderer.setSizes(null); return; }
    if (!this.pts.columns[s]) {
      try { await this.ensureColumns([s]); } catch (e) { this.toast(`Cannot size by ${s}: ${(e as Error).message}`, 'error'); return; }
    }
    if (this.state.sizeBy !== s) return;
    this.renderer.setSizes(this.pts.columns[s] as Uint8Array);
  }

  renderLegend() {
    const el = $('#legend');
    const m = this.colors;
    if (!m) { clear(el); return; }
    const clickable = ['library', 'pipeline', 'license', 'language', 'cluster'].includes(m.by);
    const active = filtersActive(this.state.filters);
    // With filters on, the counts are of the points that pass (the bright ones).
    let shown: Uint32Array | null = null;
    if (active && this.mask) {
      shown = new Uint32Array(256);
      const codes = m.codes, mask = this.mask;
      for (let i = 0; i < this.pts.n; i++) if (mask[i]) shown[codes[i]]++;
    }
    const total = active ? Math.max(1, this.passing) : this.pts.n;
    const title = h('div', { class: 'legend-title' }, `Colour: ${m.by === 'created' ? 'created date' : m.by}`, active ? h('span', { class: 'muted' }, ' (of the filtered)') : null);
    const items = m.entries.filter((e) => !shown || shown[e.code] > 0).map((e) => {
      const count = shown ? shown[e.code] : e.count;
      const pct = ((100 * count) / total);
      const row = h('li', { class: 'legend-item' + (clickable && e.value ? ' clickable' : ''), title: clickable && e.value ? `Filter to ${e.label}` : e.label },
        h('span', { class: 'sw', style: { background: e.color } }),
        h('span', { class: 'lbl' }, e.label),
        h('span', { class: 'num' }, `${fmtShort(count)} · ${pct < 1 ? pct.toFixed(1) : pct.toFixed(0)}%`));
      if (clickable && e.value) {
        row.tabIndex = 0;
        const act = () => this.filterToLegend(m.by, e.value!);
        row.addEventListener('click', act);
        row.addEventListener('keydown', (k) => { if (k.key === 'Enter') act(); });
      }
      return row;
    });
    const ramp = m.ramp ? h('div', { class: 'ramp' },
      h('div', { class: 'bar', style: { background: `linear-gradient(90deg, ${m.ramp.colors.join(',')})` } }),
      h('div', { class: 'ends' }, h('span', {}, m.ramp.lo), h('span', {}, m.ramp.hi))) : null;
    const others = shown ? Math.max(0, this.passing - m.entries.reduce((a, e) => a + shown![e.code], 0)) : m.others;
    clear(el, title, ramp, h('ul', {}, items), others ? h('div', { class: 'legend-more' }, `+ ${fmtShort(others)} in other values`) : null);
  }

  private filterToLegend(by: ColorBy, value: string) {
    const f = { ...this.state.filters, library: [...this.state.filters.library], pipeline: [...this.state.filters.pipeline], license: [...this.state.filters.license], language: [...this.state.filters.language] };
    if (by === 'cluster') f.cluster = f.cluster === Number(value) ? undefined : Number(value);
    else {
      const k = by as 'library' | 'pipeline' | 'license' | 'language';
      f[k] = f[k].includes(value) ? f[k].filter((x) => x !== value) : [...f[k], value];
    }
    if (f.cluster === undefined) delete f.cluster;
    this.setFilters(f, true);
    this.filtersPanel.render();
  }

  // ---- filters -----------------------------------------------------------------
  setFilters(f: Filters, push = false) {
    this.state.filters = f;
    this.syncUrl(push);
    this.refreshMask();
    this.refreshCount();
    this.filtersPanel.refreshFacets();
    const need = neededColumns(f);
    if (need.some((c) => !this.pts.columns[c])) this.ensureColumns(need).then(() => this.refreshMask()).catch((e) => this.toast((e as Error).message, 'error'));
    this.notifyViews();
  }
  refreshMask() {
    if (!this.pts) return;
    const t = performance.now();
    this.passing = computeMask(this.pts, this.state.filters, this.mask);
    this.timing.mask = performance.now() - t;
    this.renderer.setMask(this.mask);
    this.minimap?.rebuild();
    this.renderLegendSoon();
  }
  private renderLegendSoon = debounce(() => this.renderLegend(), 150);
  refreshCount = debounce(async () => {
    this.countAbort?.abort();
    const ac = new AbortController();
    this.countAbort = ac;
    if (!filtersActive(this.state.filters)) { this.filteredCount = undefined; this.showCount(); return; }
    try {
      const r = await getJSON<{ count: number; of: number }>(`/api/models/count?${filterParams(this.state.filters)}`, ac.signal);
      this.filteredCount = r.count;
      this.showCount();
    } catch (e) {
      if ((e as Error).name !== 'AbortError') { this.filteredCount = undefined; this.showCount((e as Error).message); }
    }
  }, 60);
  filteredCount?: number;
  showCount(err?: string) {
    const total = this.stats?.models ?? this.pts?.n;
    const el = document.getElementById('count');
    if (!el || total === undefined) return;
    if (err) { el.textContent = `filter error: ${err}`; el.classList.add('bad'); return; }
    el.classList.remove('bad');
    el.dataset.count = String(this.filteredCount ?? total);
    el.textContent = this.filteredCount === undefined ? `${fmt(total)} models` : `${fmt(this.filteredCount)} of ${fmt(total)} models match`;
    this.filtersPanel?.showCount(this.filteredCount, total);
  }

  // ---- the map's interaction -----------------------------------------------------
  private bindMap() {
    const cv = this.renderer.canvas;
    let drag: { x: number; y: number; cx: number; cy: number; moved: boolean; lasso: boolean; pts: number[] } | null = null;
    const local = (e: MouseEvent | PointerEvent) => { const r = cv.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    cv.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      cv.setPointerCapture(e.pointerId);
      const [x, y] = local(e);
      drag = { x, y, cx: this.renderer.camera.x, cy: this.renderer.camera.y, moved: false, lasso: e.shiftKey || this.lassoMode, pts: [x, y] };
      this.hideTooltip();
    });
    cv.addEventListener('pointermove', (e) => {
      const [x, y] = local(e);
      if (!drag) { this.hoverAt(x, y, e.clientX, e.clientY); return; }
      if (Math.abs(x - drag.x) + Math.abs(y - drag.y) > 3) drag.moved = true;
      if (drag.lasso) {
        drag.pts.push(x, y);
        this.drawLassoPath(drag.pts);
        return;
      }
      const k = this.renderer.ppu;
      this.renderer.camera.x = drag.cx - (x - drag.x) / k;
      this.renderer.camera.y = drag.cy + (y - drag.y) / k;
      this.renderer.redraw();
      this.viewChanged();
    });
    cv.addEventListener('pointerup', (e) => {
      if (!drag) return;
      const d = drag;
      drag = null;
      const [x, y] = local(e);
      if (d.lasso && d.moved && d.pts.length >= 6) {
        const poly: number[] = [];
        for (let k = 0; k < d.pts.length; k += 2) poly.push(...this.renderer.toData(d.pts[k], d.pts[k + 1]));
        this.drawLassoPath([]);
        this.applyLasso(poly, true);
        if (this.lassoMode) this.toggleLasso();
        return;
      }
      this.drawLassoPath([]);
      if (!d.moved) {
        const row = this.pick(x, y);
        if (row >= 0) this.selectRow(row);
      }
    });
    cv.addEventListener('pointerleave', () => { if (!drag) this.hideTooltip(); });
    cv.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [x, y] = local(e);
      this.zoomAt(x, y, Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
    }, { passive: false });
    cv.addEventListener('dblclick', (e) => { const [x, y] = local(e); this.zoomAt(x, y, 2); });
    cv.addEventListener('keydown', (e) => {
      const c = this.renderer.camera, step = 60 / this.renderer.ppu;
      if (e.key === '+' || e.key === '=') this.zoomAt(this.renderer.width / 2, this.renderer.height / 2, 1.5);
      else if (e.key === '-') this.zoomAt(this.renderer.width / 2, this.renderer.height / 2, 1 / 1.5);
      else if (e.key === 'ArrowLeft') c.x -= step; else if (e.key === 'ArrowRight') c.x += step;
      else if (e.key === 'ArrowUp') c.y += step; else if (e.key === 'ArrowDown') c.y -= step;
      else return;
      e.preventDefault();
      this.renderer.redraw();
      this.viewChanged();
    });
  }

  private onKey(e: KeyboardEvent) {
    const t = e.target as HTMLElement;
    const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
    if (e.key === '/' && !typing) { e.preventDefault(); ($('#search') as HTMLInputElement)?.focus(); }
    else if (e.key === 'Escape' && !typing) { if (this.selection) this.clearSelection(true); }
  }

  toggleLasso() {
    this.lassoMode = !this.lassoMode;
    const b = $('#lasso-btn');
    b.setAttribute('aria-pressed', String(this.lassoMode));
    b.classList.toggle('on', this.lassoMode);
    this.renderer.canvas.style.cursor = this.lassoMode ? 'crosshair' : '';
  }

  private drawLassoPath(pts: number[]) {
    const c = this.lassoCanvas;
    const dpr = window.devicePixelRatio || 1;
    c.width = c.clientWidth * dpr; c.height = c.clientHeight * dpr;
    const g = c.getContext('2d')!;
    g.scale(dpr, dpr);
    if (pts.length < 4) return;
    g.beginPath();
    g.moveTo(pts[0], pts[1]);
    for (let k = 2; k < pts.length; k += 2) g.lineTo(pts[k], pts[k + 1]);
    g.closePath();
    g.fillStyle = 'rgba(59,130,246,0.12)';
    g.strokeStyle = '#3b82f6';
    g.lineWidth = 1.5;
    g.setLineDash([5, 4]);
    g.fill(); g.stroke();
  }

  zoomAt(sx: number, sy: number, factor: number) {
    const r = this.renderer;
    const [dx, dy] = r.toData(sx, sy);
    r.camera.zoom = Math.max(0.1, Math.min(r.camera.zoom * factor, 20000));
    const [nx, ny] = r.toData(sx, sy);
    r.camera.x += dx - nx;
    r.camera.y += dy - ny;
    r.redraw();
    this.viewChanged();
  }

  private flyAnim = 0;
  flyTo(target: { x: number; y: number; zoom: number }, ms = 700) {
    const r = this.renderer;
    const span = r.dataSpan;
    const w0 = span / r.camera.zoom, w1 = span / target.zoom;
    const interp = interpolateZoom([r.camera.x, r.camera.y, w0], [target.x, target.y, w1]);
    const dur = Math.min(1500, Math.max(ms, interp.duration * 0.6));
    const t0 = performance.now();
    cancelAnimationFrame(this.flyAnim);
    const step = () => {
      const t = Math.min(1, (performance.now() - t0) / dur);
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      const [x, y, w] = interp(e);
      r.camera = { x, y, zoom: span / w };
      r.redraw();
      this.viewChanged();
      if (t < 1) this.flyAnim = requestAnimationFrame(step);
    };
    this.flyAnim = requestAnimationFrame(step);
  }

  viewChanged() {
    this.placeLabels();
    this.minimap?.draw();
    this.syncCamera();
    if (this.hover >= 0) this.hideTooltip();
  }

  // Nearest passing point within 8 px of the cursor, through the grid index.
  pick(sx: number, sy: number): number {
    if (!this.grid) return -1;
    const [x, y] = this.renderer.toData(sx, sy);
    const r = Math.max(8, this.renderer.basePoint) / this.renderer.ppu;
    const active = filtersActive(this.state.filters);
    const t = performance.now();
    const row = nearest(this.grid, this.pts.coords, x, y, r, active ? (i) => this.mask[i] === 1 : undefined);
    this.timing.lastPick = performance.now() - t;
    return row;
  }

  private hoverSeq = 0;
  private hoverAt(sx: number, sy: number, cx: number, cy: number) {
    const row = this.pick(sx, sy);
    if (row === this.hover) { this.moveTooltip(cx, cy); return; }
    this.hover = row;
    this.updateRings();
    if (row < 0) { this.hideTooltip(); return; }
    const seq = ++this.hoverSeq;
    const show = (m: Brief) => {
      if (seq !== this.hoverSeq) return;
      clear(this.tooltip,
        h('div', { class: 'tt-id' }, m.id),
        h('div', { class: 'tt-grid' },
          h('span', {}, 'library'), h('b', {}, m.library ?? '—'),
          h('span', {}, 'pipeline'), h('b', {}, m.pipeline ?? '—'),
          h('span', {}, 'downloads'), h('b', {}, fmt(m.downloads)),
          h('span', {}, 'likes'), h('b', {}, fmt(m.likes))));
      this.tooltip.hidden = false;
      this.moveTooltip(cx, cy);
      window.__hfviz.hovered = m.id;
    };
    const cached = cachedRow(row);
    if (cached) { show(cached); return; }
    clear(this.tooltip, h('div', { class: 'tt-id muted' }, `row ${row}…`));
    this.tooltip.hidden = false;
    this.moveTooltip(cx, cy);
    setTimeout(() => {
      if (seq !== this.hoverSeq) return;
      rows([row]).then((m) => m[0] && show(m[0])).catch(() => { if (seq === this.hoverSeq) clear(this.tooltip, h('div', { class: 'tt-id' }, `row ${row} (details unavailable)`)); });
    }, 40);
  }
  private moveTooltip(cx: number, cy: number) {
    const wrap = $('#map-wrap').getBoundingClientRect();
    const tt = this.tooltip;
    let x = cx - wrap.left + 14, y = cy - wrap.top + 14;
    if (x + tt.offsetWidth > wrap.width - 8) x = cx - wrap.left - tt.offsetWidth - 14;
    if (y + tt.offsetHeight > wrap.height - 8) y = cy - wrap.top - tt.offsetHeight - 14;
    tt.style.transform = `translate(${x}px, ${y}px)`;
  }
  hideTooltip() {
    this.hover = -1;
    this.hoverSeq++;
    if (this.tooltip) this.tooltip.hidden = true;
    this.updateRings();
  }

  // ---- rings: the hovered point, the selected model -----------------------------
  updateRings() {
    if (!this.renderer) return;
    const items: OverlayItem[] = [];
    const c = this.pts.coords;
    if (this.details && this.details.row >= 0 && this.details.row < this.pts.n) {
      const r = this.details.row;
      items.push({ x: c[2 * r], y: c[2 * r + 1], rgba: [0.93, 0.27, 0.27, 1] });
    }
    if (this.hover >= 0) items.push({ x: c[2 * this.hover], y: c[2 * this.hover + 1], rgba: [0.1, 0.55, 1, 1] });
    this.renderer.setRings(items);
  }

  // ---- cluster labels -----------------------------------------------------------------
  placeLabels() {
    if (!this.renderer || !this.labelsEl) return;
    const show = ($('#show-labels') as HTMLInputElement)?.checked ?? true;
    if (!show || !this.clusters.length || this.state.view !== 'map') { this.labelsEl.replaceChildren(); return; }
    const W = this.renderer.width, H = this.renderer.height;
    const sorted = [...this.clusters].sort((a, b) => b.size - a.size);
    const placed: [number, number, number, number][] = [];
    const els: HTMLElement[] = [];
    const maxLabels = Math.min(60, 14 + Math.round(Math.log2(Math.max(1, this.renderer.camera.zoom)) * 10));
    for (const cl of sorted) {
      if (els.length >= maxLabels) break;
      const p = cl.median2d ?? cl.centroid2d;
      if (!p) continue;
      const [sx, sy] = this.renderer.toScreen(p[0], p[1]);
      if (sx < 0 || sy < 0 || sx > W || sy > H) continue;
      const text = cl.label || `cluster ${cl.id}`;
      const w = Math.min(200, text.length * 6.2 + 10), hgt = 18;
      const box: [number, number, number, number] = [sx - w / 2, sy - hgt / 2, sx + w / 2, sy + hgt / 2];
      if (placed.some((b) => !(box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]))) continue;
      placed.push(box);
      els.push(h('div', { class: 'label', style: { transform: `translate(${sx}px, ${sy}px) translate(-50%, -160%)` }, title: `cluster ${cl.id}: ${cl.size.toLocaleString()} models` }, text));
    }
    this.labelsEl.replaceChildren(...els);
  }

  // ---- selected model ---------------------------------------------------------------
  async selectRow(row: number) {
    try {
      const [m] = await rows([row]);
      if (m) this.selectModel(m.id, { fly: false });
    } catch (e) { this.toast((e as Error).message, 'error'); }
  }

  private selectSeq = 0;
  async selectModel(id: string, opt: { fly?: boolean; push?: boolean } = {}) {
    const seq = ++this.selectSeq;
    this.state.model = id;
    this.syncUrl(opt.push ?? true);
    this.detailsPanel.loading(id);
    let d: ModelDetails;
    try {
      d = await getJSON<ModelDetails>(`/api/model/${enc(id)}`);
    } catch (e) {
      if (seq === this.selectSeq) this.detailsPanel.error(id, e);
      return;
    }
    if (seq !== this.selectSeq) return;
    this.details = d;
    window.__hfviz.selected = d.id;
    this.detailsPanel.show(d);
    this.updateRings();
    if (opt.fly && this.renderer && d.row >= 0) {
      const c = this.pts.coords;
      this.flyTo({ x: c[2 * d.row], y: c[2 * d.row + 1], zoom: Math.max(this.renderer.camera.zoom, 8) });
    }
    this.loadFamilyLines(d);
    this.notifyViews();
  }
  clearModel(push = true) {
    this.details = undefined;
    this.state.model = undefined;
    this.familyLines = [];
    this.showLines();
    this.updateRings();
    this.detailsPanel.empty();
    this.syncUrl(push);
  }

  private async loadFamilyLines(d: ModelDetails) {
    this.familyLines = [];
    this.showLines();
    try {
      const fam = await getJSON<{ nodes: { id: string; row: number }[]; edges: { parent: string; child: string; type: string }[] }>(
        `/api/model/${enc(d.id)}/family?limit=400&max_depth=3`);
      if (this.details?.id !== d.id) return;
      const rowOf = new Map(fam.nodes.map((n) => [n.id, n.row]));
      const c = this.pts.coords;
      const lines: OverlayItem[] = [];
      for (const e of fam.edges) {
        const a = rowOf.get(e.parent), b = rowOf.get(e.child);
        if (a === undefined || b === undefined) continue;
        const col = EDGE_COLORS[e.type] ?? '#888';
        const rgba: [number, number, number, number] = [parseInt(col.slice(1, 3), 16) / 255, parseInt(col.slice(3, 5), 16) / 255, parseInt(col.slice(5, 7), 16) / 255, 0.55];
        lines.push({ x: c[2 * a], y: c[2 * a + 1], rgba }, { x: c[2 * b], y: c[2 * b + 1], rgba });
      }
      this.familyLines = lines;
      this.showLines();
    } catch { /* a map without lineage: no lines */ }
  }

  private lassoLines: OverlayItem[] = [];
  showLines() {
    const edges = ($('#show-edges') as HTMLInputElement)?.checked ?? true;
    this.renderer?.setLines([...(edges ? this.familyLines : []), ...this.lassoLines]);
  }

  // ---- lasso selection ----------------------------------------------------------------
  applyLasso(poly: number[], push: boolean) {
    // The polygon as the URL keeps it (3 decimals), so a link selects exactly the same rows.
    poly = poly.map((v) => Number(v.toFixed(3)));
    if (!this.grid) { this.state.lasso = poly; return; }
    const t = performance.now();
    const active = filtersActive(this.state.filters);
    this.selection = inPolygon(this.grid, this.pts.coords, poly, active ? (i) => this.mask[i] === 1 : undefined);
    this.timing.lasso = performance.now() - t;
    this.state.lasso = poly;
    this.syncUrl(push);
    this.selectionPanel.show(this.selection, poly);
    const c = this.pts.coords;
    const outline: OverlayItem[] = [];
    for (let k = 0; k < poly.length; k += 2) {
      const j = (k + 2) % poly.length;
      outline.push({ x: poly[k], y: poly[k + 1], rgba: [0.23, 0.51, 0.96, 0.9] }, { x: poly[j], y: poly[j + 1], rgba: [0.23, 0.51, 0.96, 0.9] });
    }
    void c;
    this.lassoLines = outline;
    this.showLines();
  }
  clearSelection(push: boolean) {
    this.selection = null;
    this.state.lasso = undefined;
    this.selectionPanel.hide();
    this.lassoLines = [];
    this.showLines();
    this.syncUrl(push);
  }
}
