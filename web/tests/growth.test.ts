import { describe, it, expect } from 'vitest';
import { urlToState, stateToUrl, defaultState, defaultGrowth, type AppState } from '../src/state';
import {
  fmtInt, fmtNum, fmtSigned, fmtPct, fmtDays, fmtAge, fmtTime, fmtWindow, windowFrom, toIso,
  counterView, forecastDays, totalSeries, facetSeries, yDomain, nearest, logTicks, forecastShape, growthRows, effectiveSource,
  type Latest, type GrowthAnswer, type HistoryAnswer, type CountStatus,
} from '../src/growth';

// Answers shaped as docs/api.md "Model counts" documents them.
const latest = (over: Partial<Latest> = {}): Latest => ({
  id: 7, taken_at: '2025-01-02T03:04:05Z', age_seconds: 300, source: 'hub', origin: 'https://huggingface.co', method: 'counts',
  total: 2249310, requests: 312, duration_ms: 45200, by_library: [{ value: 'transformers', count: 1000 }], by_pipeline: [], ...over,
});
const growth = (over: Partial<GrowthAnswer> = {}): GrowthAnswer => ({
  source: 'hub', days: 30, window_covered: true, snapshots_used: 120,
  start: { taken_at: '2024-12-03T03:00:00Z', total: 2156000 }, end: { taken_at: '2025-01-02T03:04:05Z', total: 2249310 },
  elapsed_days: 30.0028, total_growth: 93310, daily_growth_avg: 3109.98, growth_rate_percent: 4.328, daily_growth_rate_percent: 0.14127,
  by_library: [{ value: 'transformers', start: 100, end: 160, growth: 60, daily_growth_avg: 2, growth_rate_percent: 60 }],
  by_pipeline: [{ value: 'text-generation', start: 0, end: 5, growth: 5, daily_growth_avg: 0.1667, growth_rate_percent: null }],
  forecast: { model: 'linear', horizon_days: 30, at: '2025-02-01T03:04:05Z', total: 2342000, lower: 2330000, upper: 2354000, confidence: 0.95, points: 120, slope_per_day: 3100.5 },
  ...over,
});

describe('growth URL state', () => {
  it('round-trips every switch', () => {
    const s: AppState = { ...defaultState(), view: 'growth', growth: { days: 365, facet: 'pipeline', log: true, source: 'dataset', top: 20, forecast: 'exponential' } };
    const url = stateToUrl(s);
    expect(url).toBe('/growth?days=365&facet=pipeline&log=1&source=dataset&top=20&forecast=exponential');
    expect(urlToState(url)).toEqual(s);
  });
  it('leaves the defaults out and reads /growth as the default state', () => {
    expect(stateToUrl({ ...defaultState(), view: 'growth', growth: defaultGrowth() })).toBe('/growth');
    expect(urlToState('/growth')).toEqual({ ...defaultState(), view: 'growth', growth: defaultGrowth() });
  });
  it('keeps the selected model next to the forecast model', () => {
    const s: AppState = { ...defaultState(), view: 'growth', model: 'google/gemma-7b', growth: { ...defaultGrowth(), forecast: 'exponential' } };
    const back = urlToState(stateToUrl(s));
    expect(back.model).toBe('google/gemma-7b');
    expect(back.growth!.forecast).toBe('exponential');
  });
  it('falls back to defaults for malformed values', () => {
    expect(urlToState('/growth?days=0&facet=license&log=yes&source=mirror&top=99&forecast=cubic').growth).toEqual(defaultGrowth());
    expect(urlToState('/growth?days=3651').growth!.days).toBe(90);
    expect(urlToState('/growth?days=3650&log=true').growth).toEqual({ ...defaultGrowth(), days: 3650, log: true });
  });
  it('writes growth parameters only on the growth view', () => {
    const s: AppState = { ...defaultState(), growth: { ...defaultGrowth(), days: 7 } };
    expect(stateToUrl(s)).toBe('/map');
    expect(urlToState('/map?days=7').growth).toBeUndefined();
  });
});

describe('number formatting', () => {
  it('formats counts, rates and signs', () => {
    expect(fmtInt(2249310)).toBe('2,249,310');
    expect(fmtInt(null)).toBe('—');
    expect(fmtNum(3109.98)).toBe('3,110');
    expect(fmtNum(12.345)).toBe('12.3');
    expect(fmtNum(0.16667)).toBe('0.17');
    expect(fmtNum(0)).toBe('0');
    expect(fmtSigned(93310)).toBe('+93,310');
    expect(fmtSigned(-12)).toBe('−12');
    expect(fmtSigned(0)).toBe('0');
    expect(fmtSigned(3109.98, fmtNum)).toBe('+3,110');
    expect(fmtPct(4.328)).toBe('+4.33 %');
    expect(fmtPct(0.14127)).toBe('+0.14 %');
    expect(fmtPct(0.0471)).toBe('+0.047 %');
    expect(fmtPct(-1.5)).toBe('−1.50 %');
    expect(fmtPct(60)).toBe('+60.0 %');
    expect(fmtPct(250)).toBe('+250 %');
    expect(fmtPct(null)).toBe('—');
    expect(fmtPct(12.5, false)).toBe('12.5 %');
  });
  it('formats days, ages, times and windows', () => {
    expect(fmtDays(30.0028)).toBe('30 days');
    expect(fmtDays(29.94)).toBe('29.9 days');
    expect(fmtDays(1)).toBe('1 day');
    expect(fmtDays(2.5)).toBe('2.5 days');
    expect(fmtDays(0.25)).toBe('0.25 days');
    expect(fmtAge(5)).toBe('just now');
    expect(fmtAge(300)).toBe('5 min ago');
    expect(fmtAge(3 * 3600 + 5)).toBe('3 h ago');
    expect(fmtAge(5 * 86400)).toBe('5 days ago');
    expect(fmtAge(240 * 86400)).toBe('7 months ago');
    expect(fmtAge(3 * 366 * 86400)).toBe('3 years ago');
    expect(fmtTime('2025-01-02T03:04:05Z')).toBe('2025-01-02 03:04 UTC');
    expect(fmtTime('2025-01-02T03:04:05Z', true)).toBe('2025-01-02');
    expect(fmtWindow(7)).toBe('7 days');
    expect(fmtWindow(90)).toBe('3 months');
    expect(fmtWindow(365)).toBe('1 year');
    expect(fmtWindow(1825)).toBe('5 years');
  });
});

describe('times', () => {
  it('anchors the window on the newest snapshot', () => {
    expect(windowFrom('2025-04-30T23:59:59Z', 30)).toBe('2025-03-31T23:59:59Z');
    expect(toIso(Date.UTC(2024, 0, 1))).toBe('2024-01-01T00:00:00Z');
  });
});

describe('the header counter', () => {
  it('says the Hub total, its age and the daily growth, with times and source in the tooltip', () => {
    const v = counterView(latest(), growth());
    expect(v.total).toBe(2249310);
    expect(v.lead).toBe('on the Hub');
    expect(v.age).toBe('5 min ago');
    expect(v.growth).toBe('+3,110/day');
    expect(v.title).toContain('2025-01-02 03:04 UTC');
    expect(v.title).toContain('https://huggingface.co');
    expect(v.title).toContain('from 2024-12-03 03:00 UTC to 2025-01-02 03:04 UTC');
    expect(counterView(latest(), growth(), 7200).age).toBe('2 h ago');
  });
  it('says a dataset snapshot is the dataset\'s count at its date', () => {
    const v = counterView(latest({ source: 'dataset', origin: 'demo.map', method: 'created_at', taken_at: '2025-04-28T10:00:00Z', requests: 0 }), null);
    expect(v.lead).toBe('in dataset demo.map on 2025-04-28');
    expect(v.age).toBeNull();
    expect(v.growth).toBeNull();
    expect(v.title).toContain('lower bound');
  });
  it('forecasts a third of the window ahead, at most a year', () => {
    expect([7, 30, 90, 365, 1825, 3650, 1].map(forecastDays)).toEqual([2, 10, 30, 122, 365, 365, 1]);
  });
  it('shows no rate when growth has none', () => {
    expect(counterView(latest(), growth({ daily_growth_avg: null })).growth).toBeNull();
  });
});

describe('series shaping', () => {
  const hist: HistoryAnswer = {
    source: 'all', from: null, to: null, count: 4, thinned: false,
    snapshots: [
      { id: 1, taken_at: '2024-01-31T23:59:59Z', source: 'dataset', total: 10 },
      { id: 2, taken_at: '2024-02-29T23:59:59Z', source: 'dataset', total: 30 },
      { id: 3, taken_at: '2024-03-01T00:00:00Z', source: 'hub', total: 100 },
      { id: 4, taken_at: '2024-03-02T00:00:00Z', source: 'hub', total: 110 },
    ],
    series: { facet: 'library', values: ['transformers', 'diffusers'], counts: [[5, 20, 60, 66], [0, 3, 9, 10]] },
  };
  it('splits the totals by source, hub first', () => {
    const s = totalSeries(hist);
    expect(s.map((x) => x.key)).toEqual(['hub', 'dataset']);
    expect(s[0].points).toEqual([{ t: Date.UTC(2024, 2, 1), v: 100 }, { t: Date.UTC(2024, 2, 2), v: 110 }]);
    expect(s[1].points.map((p) => p.v)).toEqual([10, 30]);
    expect(totalSeries({ ...hist, snapshots: hist.snapshots.slice(2) }).map((x) => x.key)).toEqual(['hub']);
  });
  it('gives one line per facet value over the snapshots', () => {
    const s = facetSeries(hist);
    expect(s.map((x) => x.label)).toEqual(['transformers', 'diffusers']);
    expect(s[1].points.map((p) => p.v)).toEqual([0, 3, 9, 10]);
    expect(s[0].points[3].t).toBe(Date.UTC(2024, 2, 2));
    expect(facetSeries({ ...hist, series: null })).toEqual([]);
  });
  it('chooses y domains for linear and log axes', () => {
    expect(yDomain([0, 3, 9], false, true)).toEqual([0, 9]);
    expect(yDomain([100, 110], false, false)).toEqual([100, 110]);
    expect(yDomain([0, 3, 9], true, true)).toEqual([3, 9]);
    expect(yDomain([5, 5], true, false)).toEqual([2.5, 10]);
    expect(yDomain([], true, false)).toEqual([1, 10]);
    const [lo, hi] = yDomain([7, 7], false, false);
    expect(lo).toBeLessThan(7);
    expect(hi).toBeGreaterThan(7);
  });
  it('thins log ticks to 1-2-5 or decades', () => {
    expect(logTicks([1, 2, 3])).toEqual([1, 2, 3]);
    const many = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(logTicks(many)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    const decades = Array.from({ length: 7 }, (_, d) => [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => k * 10 ** d)).flat();
    expect(logTicks(decades)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    // inside one decade d3 gives linear ticks: keep several, not the lone 2M
    const narrow = [1.9e6, 2.0e6, 2.1e6, 2.2e6, 2.3e6, 2.4e6, 2.5e6, 2.6e6, 2.7e6];
    expect(logTicks(narrow)).toEqual([1.9e6, 2.1e6, 2.3e6, 2.5e6, 2.7e6]);
  });
  it('finds the nearest snapshot', () => {
    const pts = [{ t: 0, v: 1 }, { t: 10, v: 2 }, { t: 20, v: 3 }];
    expect(nearest(pts, -5)).toBe(0);
    expect(nearest(pts, 4)).toBe(0);
    expect(nearest(pts, 6)).toBe(1);
    expect(nearest(pts, 15)).toBe(1);
    expect(nearest(pts, 99)).toBe(2);
    expect(nearest([], 1)).toBe(-1);
  });
  it('draws the forecast as the fitted trend up to its interval', () => {
    const f = forecastShape(growth())!;
    // linear: the fit at the newest snapshot is the forecast less slope × 30 days
    expect(f.fit).toEqual([{ t: Date.UTC(2025, 0, 2, 3, 4, 5), v: 2342000 - 3100.5 * 30 }, { t: Date.UTC(2025, 1, 1, 3, 4, 5), v: 2342000 }]);
    expect(f.at).toEqual({ t: Date.UTC(2025, 1, 1, 3, 4, 5), v: 2342000 });
    expect([f.lower, f.upper]).toEqual([2330000, 2354000]);
    // exponential: ln(models) falls by the slope a day going back
    const e = forecastShape(growth({ forecast: { ...growth().forecast!, model: 'exponential', total: 1000, slope_per_day: Math.log(2) / 30 } }), 2)!;
    expect(e.fit.map((p) => p.v)).toHaveLength(3);
    expect(e.fit[0].v).toBeCloseTo(500, 6);
    expect(e.fit[1].v).toBeCloseTo(1000 / Math.SQRT2, 6);
    expect(e.fit[2].v).toBe(1000);
    expect(forecastShape(growth({ forecast: null, forecast_note: 'fewer than 3 snapshots' }))).toBeNull();
  });
  it('picks the facet\'s growth rows and the source the server would', () => {
    expect(growthRows(growth(), 'library')[0].value).toBe('transformers');
    expect(growthRows(growth(), 'pipeline')[0].growth_rate_percent).toBeNull();
    const st: CountStatus = { db: 'x.db', hub: null, allow_record: false, polling: false, snapshots: { hub: 0, dataset: 40 }, last_poll: null };
    expect(effectiveSource(undefined, st)).toBe('dataset');
    expect(effectiveSource(undefined, { ...st, snapshots: { hub: 2, dataset: 40 } })).toBe('hub');
    expect(effectiveSource('dataset', { ...st, snapshots: { hub: 2, dataset: 40 } })).toBe('dataset');
  });
});
