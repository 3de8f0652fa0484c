// The Growth view: how many models, and how fast that grows, from the
// model-count database the server was started with (`hfviz serve --db`,
// /api/model-count/*, docs/tracking.md).  The total over time (Hub polls and
// the dataset's createdAt months as two series) with the forecast and its 95 %
// interval, the top libraries or pipelines as lines, the growth statistics of
// /growth and the values that grew most.  Window, facet, source, lines, forecast
// model and the log scale live in the URL (/growth?days=&facet=&log=1&source=&top=&forecast=).
import { schemeTableau10, quantize, interpolateRainbow } from 'd3';
import type { App } from '../app';
import { ApiError, JsonCache } from '../api';
import { h, clear, spinner, errorBox, debounce } from '../dom';
import {
  defaultGrowth, GROWTH_DAYS, GROWTH_TOPS, GROWTH_FACETS, COUNT_SOURCES, FORECAST_MODELS,
  type GrowthState, type GrowthFacet, type CountSource, type ForecastModel,
} from '../state';
import {
  effectiveSource, windowFrom, forecastDays, totalSeries, facetSeries, forecastShape, growthRows, toMs,
  fmtInt, fmtNum, fmtSigned, fmtPct, fmtDays, fmtTime, fmtWindow, fmtAge, sourceLabel,
  type CountStatus, type Latest, type HistoryAnswer, type GrowthAnswer,
} from '../growth';
import { lineChart } from './chart';

export const SOURCE_COLORS: Record<CountSource, string> = { hub: '#3b82f6', dataset: '#f28e2b' };
const FACET_LABELS: Record<GrowthFacet, string> = { library: 'library', pipeline: 'pipeline' };
const PLURAL: Record<GrowthFacet, string> = { library: 'libraries', pipeline: 'pipelines' };

export function facetColors(n: number): string[] {
  return n <= 10 ? schemeTableau10.slice(0, n) : quantize((t) => interpolateRainbow(0.05 + 0.9 * t), n);
}

const commandList = () => h('pre', { class: 'cmds' },
  '# poll the Hub into a SQLite file (add --once for a single poll)\n',
  'hfviz track --db counts.db --hub https://huggingface.co\n',
  '# or record a dataset\'s counts by createdAt month\n',
  'hfviz build models.jsonl -o my.map --track-db counts.db\n',
  'hfviz track --db counts.db --dataset my.map\n',
  '# then serve it\n',
  'hfviz serve my.map --db counts.db');

export class GrowthView {
  private controls = h('div', { class: 'sci-controls growth-controls' });
  private body = h('div', { class: 'growth-body' });
  private cache = new JsonCache();
  private cacheTime = 0;
  private seq = 0;
  private rendered = '';

  constructor(private app: App, root: HTMLElement) {
    if (!app.state.growth) app.state.growth = defaultGrowth();
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Growth'), this.controls), this.body);
    window.addEventListener('resize', debounce(() => { if (this.app.state.view === 'growth') this.render(true); }, 250));
  }

  private get s(): GrowthState {
    if (!this.app.state.growth) this.app.state.growth = defaultGrowth();
    return this.app.state.growth;
  }

  show() { void this.s; this.app.syncUrl(false); this.render(); }
  // A new snapshot arrived (the header counter saw it): ask again.
  refresh() { this.cacheTime = 0; this.render(true); }

  private update(patch: Partial<GrowthState>) {
    Object.assign(this.s, patch);
    for (const k of Object.keys(patch) as (keyof GrowthState)[]) if (patch[k] === undefined) delete this.s[k];
    this.app.syncUrl(true);
    this.render();
  }

  private renderControls(st: CountStatus | null, src: CountSource | null) {
    const s = this.s;
    const days = GROWTH_DAYS.includes(s.days) ? GROWTH_DAYS : [...GROWTH_DAYS, s.days].sort((a, b) => a - b);
    const tops = GROWTH_TOPS.includes(s.top) ? GROWTH_TOPS : [...GROWTH_TOPS, s.top].sort((a, b) => a - b);
    clear(this.controls,
      h('label', {}, 'window ', h('select', { id: 'growth-days', 'aria-label': 'Window', onchange: (e: Event) => this.update({ days: Number((e.target as HTMLSelectElement).value) }) },
        days.map((d) => h('option', { value: String(d), selected: d === s.days }, `last ${fmtWindow(d)}`)))),
      h('label', {}, 'source ', h('select', { id: 'growth-source', 'aria-label': 'Source', disabled: !st,
        onchange: (e: Event) => this.update({ source: (e.target as HTMLSelectElement).value as CountSource }) },
        COUNT_SOURCES.map((c) => h('option', { value: c, selected: c === src }, `${c === 'hub' ? 'Hub polls' : 'dataset'}${st ? ` (${fmtInt(st.snapshots[c])})` : ''}`)))),
      h('div', { class: 'segbtn', role: 'group', 'aria-label': 'Lines by' }, GROWTH_FACETS.map((f) => h('button', {
        class: f === s.facet ? 'on' : '', 'data-facet': f, 'aria-pressed': String(f === s.facet), onclick: () => { if (f !== this.s.facet) this.update({ facet: f }); },
      }, 'by ' + FACET_LABELS[f]))),
      h('label', {}, 'lines ', h('select', { id: 'growth-top', 'aria-label': 'Lines', onchange: (e: Event) => this.update({ top: Number((e.target as HTMLSelectElement).value) }) },
        tops.map((t) => h('option', { value: String(t), selected: t === s.top }, `top ${t}`)))),
      h('label', { class: 'chk', title: 'log-scale count axes' }, h('input', { type: 'checkbox', id: 'growth-log', checked: s.log,
        onchange: (e: Event) => this.update({ log: (e.target as HTMLInputElement).checked }) }), 'log scale'),
      h('label', { title: 'the least-squares fit the forecast extrapolates' }, 'forecast ', h('select', { id: 'growth-forecast', 'aria-label': 'Forecast model',
        onchange: (e: Event) => this.update({ forecast: (e.target as HTMLSelectElement).value as ForecastModel }) },
        FORECAST_MODELS.map((m) => h('option', { value: m, selected: m === s.forecast }, m)))));
  }

  // Re-renders when the state changed (or when forced).
  private async render(force = false) {
    const s = this.s;
    const key = JSON.stringify(s);
    if (!force && key === this.rendered && this.body.childElementCount) return;
    this.rendered = key;
    const seq = ++this.seq;
    // Answers are kept while the switches change; after a minute they are asked again
    // (the tracker may have added a snapshot).
    if (performance.now() - this.cacheTime > 60_000) { this.cache.clear(); this.cacheTime = performance.now(); }
    window.__hfviz.growth = { ready: false };
    const done = (state: string) => { if (seq === this.seq) window.__hfviz.growth = { ready: true, state }; };
    if (!this.controls.childElementCount) this.renderControls(null, s.source ?? null);
    clear(this.body, spinner('Reading the model counts…'));

    let st: CountStatus;
    try { st = await this.cache.get<CountStatus>('/api/model-count/status'); } catch (e) {
      if (seq !== this.seq) return;
      this.renderControls(null, s.source ?? null);
      this.controls.hidden = e instanceof ApiError && e.status === 404;
      if (e instanceof ApiError && e.status === 404) {
        clear(this.body, h('div', { class: 'notice growth-empty', id: 'growth-empty', 'data-reason': 'no-db' },
          h('b', {}, 'This server has no model-count database.'),
          h('p', {}, 'The model counts over time come from a SQLite file that ', h('code', {}, 'hfviz track'), ' (polls of the Hub) or ',
            h('code', {}, 'hfviz build --track-db'), ' (a dataset\'s counts by creation month) writes, served with ', h('code', {}, 'hfviz serve --db FILE'), ':'),
          commandList(),
          h('p', { class: 'muted' }, 'docs/tracking.md has the details.')));
        done('no-db');
      } else { clear(this.body, errorBox(e, 'Model counts unavailable')); done('error'); }
      return;
    }
    if (seq !== this.seq) return;
    const src = effectiveSource(s.source, st);
    const other: CountSource = src === 'hub' ? 'dataset' : 'hub';
    this.renderControls(st, src);
    this.controls.hidden = st.snapshots.hub + st.snapshots.dataset === 0;
    if (st.snapshots.hub + st.snapshots.dataset === 0) {
      clear(this.body, h('div', { class: 'notice growth-empty', id: 'growth-empty', 'data-reason': 'no-snapshot' },
        h('b', {}, `The model-count database ${st.db} has no snapshot yet.`),
        st.last_poll ? h('p', {}, `Last poll ${fmtTime(st.last_poll.at)}: ${st.last_poll.ok ? 'ok' : 'failed'}, ${st.last_poll.message}`) : h('p', {}, 'No poll has run against it.'),
        h('p', {}, 'Record counts into it:'), commandList()));
      done('no-snapshot');
      return;
    }
    // The page's frame; each part fills in as its answer comes.
    const stats = h('div', { class: 'drift-stats growth-stats', id: 'growth-stats' }, spinner('Growth statistics…'));
    const totalBody = h('div', { class: 'chart-body', id: 'growth-total' }, spinner());
    const totalCap = h('figcaption', {}, 'Models over time');
    const totalNote = h('div', { class: 'muted small' });
    const facetBody = h('div', { class: 'chart-body', id: 'growth-facet' }, spinner());
    const facetCap = h('figcaption', {}, `Top ${s.top} ${PLURAL[s.facet]}`);
    const facetNote = h('div', { class: 'muted small' });
    const table = h('div', { class: 'chart-card', id: 'growth-top-card' }, spinner());
    const foot = h('div', { class: 'muted small growth-foot' });
    clear(this.body, stats,
      h('div', { class: 'growth-grid' },
        h('figure', { class: 'chart-card' }, totalCap, totalNote, totalBody),
        h('figure', { class: 'chart-card' }, facetCap, facetNote, facetBody)),
      table, foot);
    clear(foot, `database ${st.db} · ${fmtInt(st.snapshots.hub)} Hub snapshots, ${fmtInt(st.snapshots.dataset)} dataset snapshots`,
      st.hub ? ` · hub ${st.hub}` : '',
      st.last_poll ? ` · last poll ${fmtTime(st.last_poll.at)}: ${st.last_poll.ok ? 'ok' : 'failed'} (${st.last_poll.message})` : '',
      st.polling ? ' · a poll is running' : '');

    // The newest snapshot of the source anchors the window (404 when the source has none:
    // then /growth's 409 says so, and the totals show the other source).
    let latest: Latest | null = null;
    try { latest = await this.cache.get<Latest>(`/api/model-count/latest?source=${src}`); } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) {
        if (seq === this.seq) { clear(this.body, errorBox(e, 'Newest snapshot unavailable')); done('error'); }
        return;
      }
    }
    if (seq !== this.seq) return;
    const gq = new URLSearchParams({ days: String(s.days), source: src, top: String(s.top), forecast_days: String(forecastDays(s.days)), model: s.forecast });
    let g: GrowthAnswer | null = null, gErr: unknown = null;
    try { g = await this.cache.get<GrowthAnswer>(`/api/model-count/growth?${gq}`); } catch (e) { gErr = e; }
    if (seq !== this.seq) return;
    // The charts cover the window the statistics used (its start snapshot may be a little
    // before `days` ago: the newest at or before).
    let from = latest ? windowFrom(latest.taken_at, s.days) : null;
    if (from && g && toMs(g.start.taken_at) < toMs(from)) from = g.start.taken_at;
    const tq = new URLSearchParams({ source: 'all' });
    const fq = new URLSearchParams({ source: src, facet: s.facet, top: String(s.top) });
    if (from) { tq.set('from', from); fq.set('from', from); }
    const [tot, fac] = await Promise.allSettled([
      this.cache.get<HistoryAnswer>(`/api/model-count/history?${tq}`),
      this.cache.get<HistoryAnswer>(`/api/model-count/history?${fq}`),
    ]);
    if (seq !== this.seq) return;

    // statistics
    if (g) this.fillStats(stats, g, s);
    else {
      const conflict = gErr instanceof ApiError && gErr.status === 409;
      clear(stats, h('div', { class: conflict ? 'notice growth-409' : 'error', id: 'growth-error', role: 'alert' },
        h('b', {}, conflict ? 'No growth statistics yet: ' : 'Growth statistics unavailable: '),
        gErr instanceof ApiError ? (gErr.detail || gErr.title) : String(gErr),
        latest ? h('div', { class: 'muted small' }, `newest ${sourceLabel(src)} snapshot: ${fmtInt(latest.total)} models, ${fmtTime(latest.taken_at)} (${fmtAge(latest.age_seconds)})`) : null,
        st.snapshots[src] < 2 && st.snapshots[other] >= 2 ? h('div', {}, h('button', { class: 'link', id: 'growth-other', onclick: () => this.update({ source: other }) },
          `Show the ${sourceLabel(other)} instead (${fmtInt(st.snapshots[other])} snapshots)`)) : null));
    }

    const width = (el: HTMLElement) => Math.max(320, (el.parentElement?.clientWidth ?? 480) - 26);
    const fmtT = (t: number) => fmtTime(new Date(t).toISOString());
    const totals = tot.status === 'fulfilled' ? totalSeries(tot.value) : [];
    const facets = fac.status === 'fulfilled' ? facetSeries(fac.value) : [];
    const f = g?.forecast ?? null;
    const fc = g && f ? forecastShape(g) : null;
    // totals
    if (tot.status === 'fulfilled') {
      lineChart(totalBody, totals.map((x) => ({ ...x, color: SOURCE_COLORS[x.source!], dashed: x.source === 'dataset' })), {
        log: s.log, zero: false, yLabel: 'models', fmtValue: fmtInt, fmtTime: fmtT, width: width(totalBody),
        forecast: fc && f ? { ...fc, color: SOURCE_COLORS[src], title: `forecast for ${fmtTime(f.at)}: ${fmtInt(f.total)} models, 95 % interval ${fmtInt(f.lower)} – ${fmtInt(f.upper)} (${f.model} fit over ${f.points} snapshots)` } : null,
      });
      const first = tot.value.snapshots[0];
      clear(totalNote, `${fmtInt(tot.value.count)} snapshots${first ? ` since ${fmtTime(first.taken_at, true)}` : ''}${tot.value.thinned ? ' (thinned evenly)' : ''}`,
        totals.some((x) => x.source === 'dataset') ? ' · the dataset\'s counts are a lower bound of the Hub then (deleted and private models are missing)' : '',
        f ? ` · dotted: the ${f.model} least-squares trend over the window's ${fmtInt(f.points)} snapshots, to the forecast ${fmtInt(f.horizon_days)} days ahead` : '');
    } else clear(totalBody, errorBox(tot.reason, 'History unavailable'));
    // facet lines
    if (fac.status === 'fulfilled') {
      const cols = facetColors(facets.length);
      lineChart(facetBody, facets.map((x, i) => ({ ...x, color: cols[i] })), {
        log: s.log, zero: true, yLabel: 'models', fmtValue: fmtInt, fmtTime: fmtT, width: width(facetBody),
        empty: `no ${sourceLabel(src)} snapshots in this window`,
      });
      clear(facetCap, `Top ${facets.length || ''} ${PLURAL[s.facet]} (${sourceLabel(src)})`.replace('  ', ' '));
      clear(facetNote, `the ${PLURAL[s.facet]} with the most models in the newest snapshot of the window · ${fmtInt(fac.value.count)} snapshots${fac.value.thinned ? ' (thinned evenly)' : ''}`);
    } else clear(facetBody, errorBox(fac.reason, 'History unavailable'));
    // the values that grew most
    if (g) {
      const rows = growthRows(g, s.facet);
      clear(table, h('figcaption', {}, `Top ${PLURAL[s.facet]} by growth`),
        h('div', { class: 'muted small' }, `from ${fmtTime(g.start.taken_at)} to ${fmtTime(g.end.taken_at)} (${fmtDays(g.elapsed_days)}), ${sourceLabel(g.source)}; a value missing from a snapshot counts 0 there`),
        rows.length ? h('table', { class: 'data compact growth-table', id: 'growth-table' },
          h('thead', {}, h('tr', {}, h('th', {}, FACET_LABELS[s.facet]), h('th', { class: 'num' }, 'start'), h('th', { class: 'num' }, 'end'),
            h('th', { class: 'num' }, 'growth'), h('th', { class: 'num' }, 'per day'), h('th', { class: 'num' }, 'growth rate'))),
          h('tbody', {}, rows.map((r) => h('tr', { 'data-value': r.value },
            h('td', {}, r.value), h('td', { class: 'num' }, fmtInt(r.start)), h('td', { class: 'num' }, fmtInt(r.end)),
            h('td', { class: 'num' }, fmtSigned(r.growth)), h('td', { class: 'num' }, fmtSigned(r.daily_growth_avg, fmtNum)),
            r.growth_rate_percent === null && r.start === 0 ? h('td', { class: 'num muted', title: 'none at the start: no rate' }, 'new') : h('td', { class: 'num' }, fmtPct(r.growth_rate_percent)))))) : h('div', { class: 'hint' }, 'No values in these snapshots.'));
    } else table.remove();
    done(g ? 'ok' : 'no-growth');
  }

  private fillStats(el: HTMLElement, g: GrowthAnswer, s: GrowthState) {
    const stat = (id: string, k: string, v: string | Node, title = '') => h('div', { class: 'stat', id: 'gs-' + id, title }, h('span', {}, k), h('b', {}, v));
    const f = g.forecast;
    clear(el,
      stat('total', `models (${g.source})`, fmtInt(g.end.total), `the newest ${sourceLabel(g.source)} snapshot, ${fmtTime(g.end.taken_at)}`),
      stat('growth', 'total growth', fmtSigned(g.total_growth), `${fmtInt(g.start.total)} at ${fmtTime(g.start.taken_at)} → ${fmtInt(g.end.total)} at ${fmtTime(g.end.taken_at)}`),
      stat('elapsed', 'days covered', fmtDays(g.elapsed_days), 'the time that really passed between the start and end snapshots'),
      stat('daily', 'per day', fmtSigned(g.daily_growth_avg, fmtNum), 'total growth / days covered'),
      stat('rate', 'growth rate', fmtPct(g.growth_rate_percent), 'total growth / the start total'),
      stat('compound', 'compound daily rate', fmtPct(g.daily_growth_rate_percent), '(end / start)^(1 / days) − 1'),
      stat('snapshots', 'snapshots used', fmtInt(g.snapshots_used)),
      f ? stat('forecast', `forecast ${fmtTime(f.at, true)} (+${fmtInt(f.horizon_days)} days)`, h('span', {}, fmtInt(f.total), h('small', { class: 'muted' }, ` ${fmtInt(f.lower)} – ${fmtInt(f.upper)}`)),
        `${f.model} least-squares fit over ${f.points} snapshots, ${f.horizon_days} days after the newest; ${Math.round(f.confidence * 100)} % prediction interval; slope ${fmtNum(f.slope_per_day)} ${f.model === 'linear' ? 'models' : 'ln(models)'} a day`)
        : stat('forecast', 'forecast', h('span', { class: 'muted' }, g.forecast_note ?? 'none'), g.forecast_note ?? ''),
      g.window_covered ? null : h('div', { class: 'notice warn', id: 'gs-short' },
        `The ${sourceLabel(g.source)} history is shorter than the ${fmtWindow(s.days)} window: the statistics cover ${fmtDays(g.elapsed_days)}, from the oldest snapshot.`));
  }
}
