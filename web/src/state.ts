// The app's whole state that a link reproduces: the view, the filters, the
// selected model, the lasso, the colour and size mappings and the camera.
// Pure functions only (unit-tested in tests/state.test.ts).

export type View = 'map' | '3d' | 'family' | 'network' | 'charts' | 'families' | 'science' | 'growth';
export const VIEWS: View[] = ['map', '3d', 'family', 'network', 'charts', 'families', 'science', 'growth'];

// The Growth view (model counts over time, /api/model-count/*): its window and switches.
// In the URL as /growth?days=&facet=&log=1&source=&top=&forecast=
// (`forecast`, not `model`: `model` is the selected model's id in every view).
export type GrowthFacet = 'library' | 'pipeline';
export const GROWTH_FACETS: GrowthFacet[] = ['library', 'pipeline'];
export type CountSource = 'hub' | 'dataset';
export const COUNT_SOURCES: CountSource[] = ['hub', 'dataset'];
export type ForecastModel = 'linear' | 'exponential';
export const FORECAST_MODELS: ForecastModel[] = ['linear', 'exponential'];
export const GROWTH_DAYS = [7, 30, 90, 180, 365, 730, 1825, 3650];
export const GROWTH_TOPS = [5, 10, 20];
export interface GrowthState {
  days: number;          // the window: 1..3,650 (the API's bounds)
  facet: GrowthFacet;
  log: boolean;          // log-scale count axes
  source?: CountSource;  // unset: the server's default (hub when it has snapshots, else dataset)
  top: number;           // lines per facet chart: 1..50 (/history's bound)
  forecast: ForecastModel;
}
export const defaultGrowth = (): GrowthState => ({ days: 90, facet: 'library', log: false, top: 10, forecast: 'linear' });

// The Science view (the analyses of docs/science.md): its sub-page and switches.
// In the URL as /science/<page>?measure=&artifact=&strip_ids=&no_frontmatter=&trait=&order=&from=&to=&a=&b=&family=
export type SciPage = 'similarity' | 'drift' | 'docs' | 'generations' | 'diff';
export const SCI_PAGES: SciPage[] = ['similarity', 'drift', 'docs', 'generations', 'diff'];
export type Measure = 'levenshtein' | 'bow' | 'tfidf';
export const MEASURES: Measure[] = ['levenshtein', 'bow', 'tfidf'];
export type Artifact = 'metadata' | 'card';
export type Trait = 'license' | 'language' | 'task' | 'library';
export const TRAITS: Trait[] = ['license', 'language', 'task', 'library'];
export type Ordering = 'weighted' | 'unweighted';
export interface ScienceState {
  page: SciPage;
  measure: Measure;
  artifact: Artifact;
  stripIds: boolean;
  noFrontmatter: boolean;
  trait: Trait;
  order: Ordering;
  from?: string;   // the drift edge shown (its pairs)
  to?: string;
  a?: string;      // the diff's two models
  b?: string;
  family?: string; // the generation profile's family (a member's id); unset: the selected model's
}
export const defaultScience = (): ScienceState => ({
  page: 'similarity', measure: 'tfidf', artifact: 'metadata', stripIds: false, noFrontmatter: false, trait: 'license', order: 'weighted',
});

export type ColorBy = 'library' | 'pipeline' | 'license' | 'cluster' | 'family' | 'depth' | 'created' | 'language';
export const COLOR_BYS: ColorBy[] = ['library', 'pipeline', 'license', 'cluster', 'family', 'depth', 'created', 'language'];
export type SizeBy = 'none' | 'downloads' | 'likes' | 'trending';
export const SIZE_BYS: SizeBy[] = ['none', 'downloads', 'likes', 'trending'];

export interface Filters {
  minDownloads?: number;
  maxDownloads?: number;
  minLikes?: number;
  maxLikes?: number;
  library: string[];
  pipeline: string[];
  license: string[];
  language: string[];
  baseOnly: boolean;
  maxDepth?: number;
  createdFrom?: string; // YYYY-MM
  createdTo?: string;   // YYYY-MM
  cluster?: number;
}

export interface Camera { x: number; y: number; zoom: number }

export interface AppState {
  view: View;
  filters: Filters;
  colorBy: ColorBy;
  sizeBy: SizeBy;
  model?: string;          // the selected model's id
  lasso?: number[];        // polygon in data coordinates: x0,y0,x1,y1,...
  camera?: Camera;
  science?: ScienceState;  // set while the Science view is (or was) open
  growth?: GrowthState;    // set while the Growth view is (or was) open
}

export const emptyFilters = (): Filters => ({ library: [], pipeline: [], license: [], language: [], baseOnly: false });
export const defaultState = (): AppState => ({ view: 'map', filters: emptyFilters(), colorBy: 'cluster', sizeBy: 'downloads' });

export const FACETS = ['library', 'pipeline', 'license', 'language'] as const;
export type Facet = (typeof FACETS)[number];

export function filtersActive(f: Filters): boolean {
  return f.minDownloads !== undefined || f.maxDownloads !== undefined || f.minLikes !== undefined ||
    f.maxLikes !== undefined || f.library.length > 0 || f.pipeline.length > 0 || f.license.length > 0 ||
    f.language.length > 0 || f.baseOnly || f.maxDepth !== undefined || !!f.createdFrom || !!f.createdTo ||
    f.cluster !== undefined;
}

// The server's filter parameters (docs/api.md, "Filters").
export function filterParams(f: Filters, skip?: Facet): URLSearchParams {
  const p = new URLSearchParams();
  if (f.minDownloads !== undefined) p.set('min_downloads', String(f.minDownloads));
  if (f.maxDownloads !== undefined) p.set('max_downloads', String(f.maxDownloads));
  if (f.minLikes !== undefined) p.set('min_likes', String(f.minLikes));
  if (f.maxLikes !== undefined) p.set('max_likes', String(f.maxLikes));
  for (const k of FACETS) if (k !== skip && f[k].length) p.set(k, f[k].join(','));
  if (f.baseOnly) p.set('base_only', 'true');
  if (f.maxDepth !== undefined) p.set('max_depth', String(f.maxDepth));
  if (f.createdFrom) p.set('created_from', f.createdFrom);
  if (f.createdTo) p.set('created_to', f.createdTo);
  if (f.cluster !== undefined) p.set('cluster', String(f.cluster));
  return p;
}

// The export body's filter object: the same parameters.
export function filterObject(f: Filters): Record<string, string> {
  const o: Record<string, string> = {};
  filterParams(f).forEach((v, k) => { o[k] = v; });
  return o;
}

const int = (s: string | null): number | undefined => {
  if (s === null || s === '' || !/^\d+$/.test(s)) return undefined;
  return Number(s);
};
const list = (s: string | null): string[] => (s ? s.split(',').filter((x) => x.length > 0) : []);
const month = (s: string | null): string | undefined => (s && /^\d{4}-\d{2}$/.test(s) ? s : undefined);
const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '') return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
};
const round = (v: number, d: number): string => String(Number(v.toFixed(d)));

// State → "/<view>?query".  Defaults are left out so links stay short.
export function stateToUrl(s: AppState): string {
  const p = new URLSearchParams();
  if (s.model) p.set('model', s.model);
  if (s.colorBy !== 'cluster') p.set('color', s.colorBy);
  if (s.sizeBy !== 'downloads') p.set('size', s.sizeBy);
  filterParams(s.filters).forEach((v, k) => p.set(k, v));
  if (s.lasso && s.lasso.length >= 6) p.set('lasso', s.lasso.map((v) => round(v, 3)).join(','));
  if (s.camera) p.set('cam', [round(s.camera.x, 4), round(s.camera.y, 4), round(s.camera.zoom, 3)].join(','));
  let path = '/' + s.view;
  if (s.view === 'science' && s.science) {
    const c = s.science, d = defaultScience();
    path += '/' + c.page;
    if (c.measure !== d.measure) p.set('measure', c.measure);
    if (c.artifact !== d.artifact) p.set('artifact', c.artifact);
    if (c.stripIds) p.set('strip_ids', 'true');
    if (c.noFrontmatter) p.set('no_frontmatter', 'true');
    if (c.trait !== d.trait) p.set('trait', c.trait);
    if (c.order !== d.order) p.set('order', c.order);
    if (c.from !== undefined && c.to !== undefined) { p.set('from', c.from); p.set('to', c.to); }
    if (c.a) p.set('a', c.a);
    if (c.b) p.set('b', c.b);
    if (c.family) p.set('family', c.family);
  }
  if (s.view === 'growth' && s.growth) {
    const g = s.growth, d = defaultGrowth();
    if (g.days !== d.days) p.set('days', String(g.days));
    if (g.facet !== d.facet) p.set('facet', g.facet);
    if (g.log) p.set('log', '1');
    if (g.source) p.set('source', g.source);
    if (g.top !== d.top) p.set('top', String(g.top));
    if (g.forecast !== d.forecast) p.set('forecast', g.forecast);
  }
  const q = p.toString();
  return `${path}${q ? '?' + q : ''}`;
}

// "/<view>?query" (or a full URL) → state.  Unknown or malformed values fall
// back to defaults instead of failing: a hand-edited link still opens.
export function urlToState(url: string): AppState {
  const u = new URL(url, 'http://x');
  const s = defaultState();
  const segs = u.pathname.split('/').filter(Boolean);
  const seg = segs[0] ?? 'map';
  s.view = (VIEWS as string[]).includes(seg) ? (seg as View) : 'map';
  const q = u.searchParams;
  if (s.view === 'science') s.science = urlToScience(segs[1], q);
  if (s.view === 'growth') s.growth = urlToGrowth(q);
  const model = q.get('model');
  if (model) s.model = model;
  const color = q.get('color');
  if (color && (COLOR_BYS as string[]).includes(color)) s.colorBy = color as ColorBy;
  const size = q.get('size');
  if (size && (SIZE_BYS as string[]).includes(size)) s.sizeBy = size as SizeBy;
  const f = s.filters;
  f.minDownloads = int(q.get('min_downloads'));
  f.maxDownloads = int(q.get('max_downloads'));
  f.minLikes = int(q.get('min_likes'));
  f.maxLikes = int(q.get('max_likes'));
  for (const k of FACETS) f[k] = list(q.get(k));
  f.baseOnly = q.get('base_only') === 'true';
  f.maxDepth = int(q.get('max_depth'));
  f.createdFrom = month(q.get('created_from'));
  f.createdTo = month(q.get('created_to'));
  f.cluster = int(q.get('cluster'));
  for (const k of Object.keys(f) as (keyof Filters)[]) if (f[k] === undefined) delete f[k];
  const lasso = q.get('lasso');
  if (lasso) {
    const v = lasso.split(',').map(Number);
    if (v.length >= 6 && v.length % 2 === 0 && v.every(Number.isFinite)) s.lasso = v;
  }
  const cam = q.get('cam');
  if (cam) {
    const [x, y, zoom] = cam.split(',').map((t) => num(t));
    if (x !== undefined && y !== undefined && zoom !== undefined && zoom > 0) s.camera = { x, y, zoom };
  }
  return s;
}

function pick<T extends string>(v: string | null, all: readonly T[], dflt: T): T {
  return v !== null && (all as readonly string[]).includes(v) ? (v as T) : dflt;
}

// The Science view's part of the URL: the sub-page (path segment) and its switches.
export function urlToScience(page: string | undefined, q: URLSearchParams): ScienceState {
  const d = defaultScience();
  const c: ScienceState = {
    page: pick(page ?? null, SCI_PAGES, d.page),
    measure: pick(q.get('measure'), MEASURES, d.measure),
    artifact: pick(q.get('artifact'), ['metadata', 'card'] as const, d.artifact),
    stripIds: q.get('strip_ids') === 'true',
    noFrontmatter: q.get('no_frontmatter') === 'true',
    trait: pick(q.get('trait'), TRAITS, d.trait),
    order: pick(q.get('order'), ['weighted', 'unweighted'] as const, d.order),
  };
  const from = q.get('from'), to = q.get('to');
  if (from !== null && to !== null && from !== '' && to !== '') { c.from = from; c.to = to; }
  const a = q.get('a'), b = q.get('b');
  if (a) c.a = a;
  if (b) c.b = b;
  const family = q.get('family');
  if (family) c.family = family.slice(0, 512);
  return c;
}

// The Growth view's part of the URL.  Out-of-range numbers fall back to the defaults.
export function urlToGrowth(q: URLSearchParams): GrowthState {
  const d = defaultGrowth();
  const days = int(q.get('days')), top = int(q.get('top'));
  const log = q.get('log');
  const g: GrowthState = {
    days: days !== undefined && days >= 1 && days <= 3650 ? days : d.days,
    facet: pick(q.get('facet'), GROWTH_FACETS, d.facet),
    log: log === '1' || log === 'true',
    top: top !== undefined && top >= 1 && top <= 50 ? top : d.top,
    forecast: pick(q.get('forecast'), FORECAST_MODELS, d.forecast),
  };
  const source = q.get('source');
  if (source && (COUNT_SOURCES as string[]).includes(source)) g.source = source as CountSource;
  return g;
}
