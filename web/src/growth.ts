// Data shaping and number formatting for the model-count counter (ui/counter.ts)
// and the Growth view (ui/growth.ts): the answers of /api/model-count/*
// (docs/api.md "Model counts", docs/tracking.md) turned into what they show.
// Pure functions only (unit-tested in tests/growth.test.ts).  Every number
// shown comes from an answer; nothing here invents one.
import type { CountSource } from './state';

// ---- the answers -------------------------------------------------------------------
export interface PollRow { at: string; origin: string; ok: boolean; requests: number; duration_ms: number; message: string }
export interface CountStatus {
  db: string; hub: string | null; allow_record: boolean; polling: boolean;
  snapshots: { hub: number; dataset: number };
  last_poll: PollRow | null;
}
export interface ValueCount { value: string; count: number }
export interface Latest {
  id: number; taken_at: string; age_seconds: number; source: CountSource; origin: string; method: string;
  total: number; requests: number; duration_ms: number; by_library: ValueCount[]; by_pipeline: ValueCount[];
}
export interface HistorySnapshot { id: number; taken_at: string; source: CountSource; total: number }
export interface HistoryAnswer {
  source: CountSource | 'all'; from: string | null; to: string | null; count: number; thinned: boolean;
  snapshots: HistorySnapshot[];
  series: { facet: 'library' | 'pipeline'; values: string[]; counts: number[][] } | null;
}
export interface GrowthRow { value: string; start: number; end: number; growth: number; daily_growth_avg: number | null; growth_rate_percent: number | null }
export interface Forecast {
  model: 'linear' | 'exponential'; horizon_days: number; at: string; total: number; lower: number; upper: number;
  confidence: number; points: number; slope_per_day: number;
}
export interface GrowthAnswer {
  source: CountSource; days: number; window_covered: boolean; snapshots_used: number;
  start: { taken_at: string; total: number }; end: { taken_at: string; total: number };
  elapsed_days: number; total_growth: number; daily_growth_avg: number | null;
  growth_rate_percent: number | null; daily_growth_rate_percent: number | null;
  by_library: GrowthRow[]; by_pipeline: GrowthRow[];
  forecast: Forecast | null; forecast_note?: string;
}

// ---- numbers ------------------------------------------------------------------------
const EN = 'en-US';
const missing = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || !Number.isFinite(v);

// A count: 2249310 → "2,249,310".
export const fmtInt = (v: number | null | undefined): string => (missing(v) ? '—' : Math.round(v).toLocaleString(EN));

// A rate or average: whole numbers from 100 up, one decimal from 10, else two significant digits.
export function fmtNum(v: number | null | undefined): string {
  if (missing(v)) return '—';
  const a = Math.abs(v);
  if (a >= 100 || a === 0) return Math.round(v).toLocaleString(EN);
  if (a >= 10) return v.toLocaleString(EN, { maximumFractionDigits: 1 });
  return v.toLocaleString(EN, { maximumSignificantDigits: 2 });
}

// A change with its sign: "+3,100", "−12", "0".
export function fmtSigned(v: number | null | undefined, f: (x: number) => string = fmtInt): string {
  if (missing(v)) return '—';
  const s = f(Math.abs(v));
  if (s === '0') return s;
  return (v < 0 ? '−' : '+') + s;
}

// A percentage: "4.12 %", "0.047 %", "−1.5 %"; null (a rate over a start of 0) → "—".
export function fmtPct(v: number | null | undefined, signed = true): string {
  if (missing(v)) return '—';
  const a = Math.abs(v);
  const s = a === 0 ? '0' : a >= 100 ? Math.round(a).toLocaleString(EN) : a >= 10 ? a.toFixed(1) : a >= 1 ? a.toFixed(2) : a.toPrecision(2);
  return (signed && v > 0 ? '+' : v < 0 ? '−' : '') + s + ' %';
}

// Days: "29.9 days", "1 day", "0.25 days".
export function fmtDays(v: number | null | undefined): string {
  if (missing(v)) return '—';
  const s = v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v >= 1 ? v.toFixed(2).replace(/\.?0+$/, '') : v.toPrecision(2);
  return `${s} ${s === '1' ? 'day' : 'days'}`;
}

// The age of a snapshot: "just now", "4 min ago", "3 h ago", "2 days ago", "8 months ago".
export function fmtAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 60) return 'just now';
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.floor(h / 24);
  if (d < 60) return `${d} days ago`;
  const mo = Math.floor(d / 30.44);
  if (mo < 24) return `${mo} months ago`;
  return `${Math.floor(d / 365.25)} years ago`;
}

// "2025-01-02T03:04:05Z" → "2025-01-02 03:04 UTC" (or the date alone).
export function fmtTime(iso: string, dateOnly = false): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  if (!m) return iso;
  return dateOnly ? m[1] : `${m[1]} ${m[2]} UTC`;
}

// The window's window: "7 days", "3 months", "1 year", "5 years".
export function fmtWindow(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  if (days >= 60 && days % 30 === 0) return `${days / 30} months`;
  return days === 1 ? '1 day' : `${days} days`;
}

export const sourceLabel = (s: CountSource | string) => (s === 'hub' ? 'Hub polls' : s === 'dataset' ? 'dataset (by createdAt month)' : s);

// ---- times --------------------------------------------------------------------------
export const toMs = (iso: string): number => Date.parse(iso);
export const toIso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The window's first instant: `days` before the newest snapshot (not before now:
// a dataset's newest month may be long past).
export const windowFrom = (endIso: string, days: number): string => toIso(toMs(endIso) - days * 86400_000);

// ---- the header counter ---------------------------------------------------------------
export interface CounterView {
  total: number;
  lead: string;      // after "N models": "on the Hub", "in dataset demo.map on 2025-04-28"
  age: string | null;   // "5 min ago" (a dataset's count has its date in `lead` instead)
  growth: string | null;   // "+3,100/day"
  title: string;     // the tooltip: times and source
}
// `ageSeconds` is the snapshot's age now (its age_seconds plus the time since the answer came).
export function counterView(l: Latest, g: GrowthAnswer | null, ageSeconds = l.age_seconds): CounterView {
  const lead = l.source === 'hub' ? 'on the Hub' : `in dataset ${l.origin} on ${fmtTime(l.taken_at, true)}`;
  const lines = [
    `${fmtInt(l.total)} models, ${l.source === 'hub' ? `a poll of ${l.origin}` : `the dataset ${l.origin} counted by createdAt (models without a creation date are left out; a lower bound of the Hub then)`}`,
    `snapshot taken ${fmtTime(l.taken_at)} (${fmtAge(ageSeconds)}), method ${l.method}` + (l.source === 'hub' ? `, ${fmtInt(l.requests)} requests in ${fmtNum(l.duration_ms / 1000)} s` : ''),
  ];
  let growth: string | null = null;
  if (g && g.daily_growth_avg !== null && Number.isFinite(g.daily_growth_avg)) {
    growth = `${fmtSigned(g.daily_growth_avg, fmtNum)}/day`;
    lines.push(`growth (${g.source}): ${fmtSigned(g.total_growth)} models from ${fmtTime(g.start.taken_at)} to ${fmtTime(g.end.taken_at)} ` +
      `(${fmtDays(g.elapsed_days)}), ${fmtNum(g.daily_growth_avg)} a day, ${fmtPct(g.daily_growth_rate_percent)} a day compounded`);
  }
  lines.push('click for the growth page');
  return { total: l.total, lead, age: l.source === 'hub' ? fmtAge(ageSeconds) : null, growth, title: lines.join('\n') };
}

// ---- chart series --------------------------------------------------------------------
export interface Pt { t: number; v: number }      // t: ms since the epoch
export interface Series { key: string; label: string; source?: CountSource; points: Pt[] }

// The totals of a history, one series per source (hub first), empty sources left out.
export function totalSeries(h: HistoryAnswer): Series[] {
  const by: Record<CountSource, Pt[]> = { hub: [], dataset: [] };
  for (const s of h.snapshots) (by[s.source] ?? (by[s.source] = [])).push({ t: toMs(s.taken_at), v: s.total });
  return (['hub', 'dataset'] as CountSource[]).filter((k) => by[k].length).map((k) => ({ key: k, label: sourceLabel(k), source: k, points: by[k] }));
}

// One series per value of a facet history, in the answer's order (its top values).
export function facetSeries(h: HistoryAnswer): Series[] {
  if (!h.series) return [];
  const t = h.snapshots.map((s) => toMs(s.taken_at));
  return h.series.values.map((value, i) => ({
    key: value, label: value,
    points: (h.series!.counts[i] ?? []).map((v, k) => ({ t: t[k], v })).filter((p) => Number.isFinite(p.t)),
  }));
}

// The y domain: on a log axis from the smallest positive value (zeros are not drawn),
// else from 0 (`zero`) or from the smallest value, with a little room.
export function yDomain(values: number[], log: boolean, zero: boolean): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) {
    if (lo === hi) { lo /= 2; hi *= 2; }
    return [lo, hi];
  }
  if (zero) lo = Math.min(0, lo);
  if (lo === hi) { const d = Math.max(1, Math.abs(hi) * 0.05); lo -= d; hi += d; }
  return [lo, hi];
}

// A log axis's ticks, at most 8: all of them when few, else 1-2-5 of each decade,
// else the decades, else (a span inside one decade, where d3 gives linear ticks) every k-th.
export function logTicks(ticks: number[]): number[] {
  if (ticks.length <= 8) return ticks;
  const mant = (v: number) => v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  const near = (v: number, ms: number[]) => ms.some((k) => Math.abs(mant(v) - k) < 1e-6);
  const t125 = ticks.filter((v) => near(v, [1, 2, 5]));
  if (t125.length >= 3 && t125.length <= 8) return t125;
  const t1 = ticks.filter((v) => near(v, [1]));
  if (t1.length >= 3 && t1.length <= 8) return t1;
  const src = t1.length > 8 ? t1 : ticks;
  const step = Math.ceil(src.length / 6);
  return src.filter((_, i) => i % step === 0);
}

// How far ahead the page forecasts: a third of the window, at most a year (the
// API's default, the whole window, squeezes a long history into a corner).
export const forecastDays = (days: number): number => Math.min(365, Math.max(1, Math.round(days / 3)));

// The index of the point nearest to t in time-sorted points (-1 when empty).
export function nearest(points: Pt[], t: number): number {
  if (!points.length) return -1;
  let lo = 0, hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t < t) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && t - points[lo - 1].t <= points[lo].t - t) return lo - 1;
  return lo;
}

// The forecast as the chart draws it: the fitted trend from the newest snapshot's
// time to the forecast's (derived from the answer alone: the fit at `end` is the
// forecast less slope × horizon, in ln(models) for the exponential model), and the
// 95 % interval at the forecast's time.  The fit need not pass through the newest
// snapshot: it is a least-squares line over the window.
export interface ForecastShape { fit: Pt[]; at: Pt; lower: number; upper: number }
export function forecastShape(g: GrowthAnswer, steps = 24): ForecastShape | null {
  const f = g.forecast;
  if (!f) return null;
  const t1 = toMs(f.at), t0 = toMs(g.end.taken_at);
  const day = 86400_000;
  const fit: Pt[] = [];
  if (f.model === 'linear') fit.push({ t: t0, v: f.total - f.slope_per_day * (t1 - t0) / day }, { t: t1, v: f.total });
  else for (let k = 0; k <= steps; k++) {
    const t = t0 + ((t1 - t0) * k) / steps;
    fit.push({ t, v: k === steps ? f.total : f.total * Math.exp(-f.slope_per_day * (t1 - t) / day) });
  }
  return { fit, at: { t: t1, v: f.total }, lower: f.lower, upper: f.upper };
}

// The growth table: the facet's rows of the growth answer.
export const growthRows = (g: GrowthAnswer, facet: 'library' | 'pipeline'): GrowthRow[] => (facet === 'library' ? g.by_library : g.by_pipeline);

// Which source the page shows: the one asked for, else the server's default
// (hub when it has snapshots, else dataset).
export function effectiveSource(asked: CountSource | undefined, st: CountStatus): CountSource {
  if (asked) return asked;
  return st.snapshots.hub > 0 ? 'hub' : 'dataset';
}
