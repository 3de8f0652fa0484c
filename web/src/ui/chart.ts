// Small d3 chart builders shared by the charts and families pages.
import { select, scaleLinear, scaleLog, scaleSymlog, scaleBand, scaleUtc, axisBottom, axisLeft, max as d3max, format, line, type ScaleContinuousNumeric } from 'd3';

export interface Bin { lo: number; hi: number; count: number }

const M = { top: 12, right: 16, bottom: 40, left: 56 };

// A histogram over [lo, hi) bins. xKind: 'log' (values spread over decades), 'time' (Unix seconds), 'linear'.
export function histogram(el: HTMLElement, bins: Bin[], opt: { xKind: 'log' | 'time' | 'linear'; yLog: boolean; xLabel: string; width?: number; height?: number }) {
  const W = opt.width ?? Math.max(320, el.clientWidth || 480), H = opt.height ?? 220;
  const iw = W - M.left - M.right, ih = H - M.top - M.bottom;
  const svg = select(el).html('').append('svg').attr('width', W).attr('height', H).attr('class', 'chart').attr('role', 'img').attr('aria-label', `histogram of ${opt.xLabel}`);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  if (!bins.length) { g.append('text').attr('class', 'muted').attr('x', iw / 2).attr('y', ih / 2).attr('text-anchor', 'middle').text('no data'); return; }
  const lo = bins[0].lo, hi = bins[bins.length - 1].hi;
  let x: ScaleContinuousNumeric<number, number>;
  if (opt.xKind === 'log') x = scaleSymlog().domain([lo, hi]).range([0, iw]);
  else if (opt.xKind === 'time') x = scaleUtc().domain([new Date(lo * 1000), new Date(hi * 1000)]).range([0, iw]) as unknown as ScaleContinuousNumeric<number, number>;
  else x = scaleLinear().domain([lo, hi]).range([0, iw]);
  const X = (v: number) => (opt.xKind === 'time' ? (x as unknown as (d: Date) => number)(new Date(v * 1000)) : x(v));
  const top = d3max(bins, (b) => b.count) ?? 1;
  const y = opt.yLog ? scaleLog().domain([0.8, Math.max(1, top)]).range([ih, 0]).clamp(true) : scaleLinear().domain([0, top]).nice().range([ih, 0]);
  g.selectAll('rect').data(bins).join('rect').attr('class', 'bar')
    .attr('x', (b) => X(b.lo) + 0.5).attr('width', (b) => Math.max(1, X(b.hi) - X(b.lo) - 1))
    .attr('y', (b) => (b.count ? y(b.count) : ih)).attr('height', (b) => (b.count ? ih - y(b.count) : 0))
    .append('title').text((b) => `${opt.xKind === 'time' ? new Date(b.lo * 1000).toISOString().slice(0, 10) : format(',.0f')(b.lo)} – ${opt.xKind === 'time' ? new Date(b.hi * 1000).toISOString().slice(0, 10) : format(',.0f')(b.hi)}: ${b.count.toLocaleString()} models`);
  const xa = opt.xKind === 'log'
    ? axisBottom(x).tickValues([0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9].filter((v) => v >= lo && v <= hi)).tickFormat(format('~s'))
    : opt.xKind === 'time' ? axisBottom(x).ticks(6) : axisBottom(x).ticks(8).tickFormat(format('~s'));
  g.append('g').attr('transform', `translate(0,${ih})`).attr('class', 'axis').call(xa);
  g.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '~s'));
  g.append('text').attr('class', 'axis-label').attr('x', iw / 2).attr('y', ih + 34).attr('text-anchor', 'middle').text(opt.xLabel);
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', -ih / 2).attr('y', -44).attr('text-anchor', 'middle').text(opt.yLog ? 'models (log)' : 'models');
}

// Bars over labelled categories.
export function bars(el: HTMLElement, data: { label: string; value: number; title?: string }[], opt: { xLabel: string; yLabel: string; yLog?: boolean; width?: number; height?: number }) {
  const W = opt.width ?? Math.max(320, el.clientWidth || 480), H = opt.height ?? 220;
  const iw = W - M.left - M.right, ih = H - M.top - M.bottom;
  const svg = select(el).html('').append('svg').attr('width', W).attr('height', H).attr('class', 'chart').attr('role', 'img').attr('aria-label', opt.yLabel + ' by ' + opt.xLabel);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const x = scaleBand().domain(data.map((d) => d.label)).range([0, iw]).padding(0.15);
  const top = d3max(data, (d) => d.value) ?? 1;
  const y = opt.yLog ? scaleLog().domain([0.8, Math.max(1, top)]).range([ih, 0]).clamp(true) : scaleLinear().domain([0, top]).nice().range([ih, 0]);
  g.selectAll('rect').data(data).join('rect').attr('class', 'bar')
    .attr('x', (d) => x(d.label)!).attr('width', x.bandwidth())
    .attr('y', (d) => (d.value ? y(d.value) : ih)).attr('height', (d) => (d.value ? ih - y(d.value) : 0))
    .append('title').text((d) => d.title ?? `${d.label}: ${d.value.toLocaleString()}`);
  const every = Math.ceil(data.length / 14);
  g.append('g').attr('transform', `translate(0,${ih})`).attr('class', 'axis').call(axisBottom(x).tickValues(data.map((d) => d.label).filter((_, i) => i % every === 0)));
  g.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '~s'));
  g.append('text').attr('class', 'axis-label').attr('x', iw / 2).attr('y', ih + 34).attr('text-anchor', 'middle').text(opt.xLabel);
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', -ih / 2).attr('y', -44).attr('text-anchor', 'middle').text(opt.yLabel);
}

// A family's growth: new models per month (bars) and the cumulative count (line).
export function growth(el: HTMLElement, data: { month: string; new: number; cumulative: number }[], opt: { width?: number; height?: number } = {}) {
  const W = opt.width ?? Math.max(320, el.clientWidth || 480), H = opt.height ?? 240;
  const iw = W - M.left - M.right - 40, ih = H - M.top - M.bottom;
  const svg = select(el).html('').append('svg').attr('width', W).attr('height', H).attr('class', 'chart').attr('role', 'img').attr('aria-label', 'growth of the family per month');
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  if (!data.length) { g.append('text').attr('x', iw / 2).attr('y', ih / 2).attr('text-anchor', 'middle').text('no creation dates'); return; }
  const t = (m: string) => new Date(m + '-01T00:00:00Z');
  const last = new Date(t(data[data.length - 1].month)); last.setUTCMonth(last.getUTCMonth() + 1);
  const x = scaleUtc().domain([t(data[0].month), last]).range([0, iw]);
  const yN = scaleLinear().domain([0, d3max(data, (d) => d.new) ?? 1]).nice().range([ih, 0]);
  const yC = scaleLinear().domain([0, d3max(data, (d) => d.cumulative) ?? 1]).nice().range([ih, 0]);
  const bw = Math.max(1, iw / data.length - 1);
  g.selectAll('rect').data(data).join('rect').attr('class', 'bar').attr('x', (d) => x(t(d.month))).attr('width', bw)
    .attr('y', (d) => yN(d.new)).attr('height', (d) => ih - yN(d.new)).append('title').text((d) => `${d.month}: ${d.new} new, ${d.cumulative} in all`);
  g.append('path').datum(data).attr('class', 'cum-line').attr('fill', 'none')
    .attr('d', line<{ month: string; cumulative: number }>().x((d) => x(t(d.month)) + bw / 2).y((d) => yC(d.cumulative)));
  g.append('g').attr('transform', `translate(0,${ih})`).attr('class', 'axis').call(axisBottom(x).ticks(6));
  g.append('g').attr('class', 'axis').call(axisLeft(yN).ticks(5, '~s'));
  g.append('g').attr('class', 'axis cum').attr('transform', `translate(${iw},0)`).call((s) => s.call((a) => select(a.node()!).call(axisRightOf(yC))));
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', -ih / 2).attr('y', -44).attr('text-anchor', 'middle').text('new per month');
  g.append('text').attr('class', 'axis-label cum').attr('transform', 'rotate(90)').attr('x', ih / 2).attr('y', -iw - 44).attr('text-anchor', 'middle').text('cumulative');
}

import { axisRight } from 'd3';
const axisRightOf = (y: ScaleContinuousNumeric<number, number>) => axisRight(y).ticks(5, '~s');

// ---- line charts over time (the Growth view) ---------------------------------------------
import { pointer } from 'd3';
import { yDomain, nearest, logTicks, type Pt } from '../growth';

export interface LineSeries { key: string; label: string; color: string; dashed?: boolean; points: Pt[] }
export interface LineForecast { fit: Pt[]; at: Pt; lower: number; upper: number; color: string; title: string }
export interface LineOpt {
  log: boolean;              // log-scale y axis (zeros are left out of the lines)
  zero: boolean;             // a linear axis starts at 0 (else at the smallest value)
  yLabel: string;
  forecast?: LineForecast | null;
  empty?: string;            // said when there is no point
  fmtValue: (v: number) => string;
  fmtTime: (t: number) => string;
  width?: number; height?: number;
}

// Lines over time with a legend (hovering an entry highlights its line) and a
// hover rule whose tooltip lists every line's value at the nearest snapshot.
export function lineChart(el: HTMLElement, series: LineSeries[], opt: LineOpt) {
  const W = opt.width ?? Math.max(320, el.clientWidth || 480), H = opt.height ?? 260;
  const m = { top: 12, right: 20, bottom: 30, left: 64 };
  const iw = W - m.left - m.right, ih = H - m.top - m.bottom;
  const root = select(el).html('').classed('line-chart', true);
  const legend = root.append('div').attr('class', 'line-legend');
  const svg = root.append('svg').attr('width', W).attr('height', H).attr('class', 'chart lines')
    .attr('role', 'img').attr('aria-label', `${opt.yLabel} over time`).attr('data-scale', opt.log ? 'log' : 'linear');
  const tip = root.append('div').attr('class', 'tooltip chart-tip').attr('hidden', true);
  const g = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) { g.append('text').attr('class', 'axis-label').attr('x', iw / 2).attr('y', ih / 2).attr('text-anchor', 'middle').text(opt.empty ?? 'no snapshots in this window'); return; }
  const f = opt.forecast;
  const ts = pts.map((p) => p.t).concat(f ? [f.at.t] : []);
  let t0 = Math.min(...ts), t1 = Math.max(...ts);
  if (t0 === t1) { t0 -= 86400_000; t1 += 86400_000; }
  const x = scaleUtc().domain([new Date(t0), new Date(t1)]).range([0, iw]);
  const X = (t: number) => x(new Date(t));
  const vals = pts.map((p) => p.v).concat(f ? [f.lower, f.upper, ...f.fit.map((p) => p.v)] : []);
  const [lo, hi] = yDomain(vals, opt.log, opt.zero);
  // A log axis keeps the data's span (nice() would widen it to whole decades and flatten the lines).
  const y = (opt.log ? scaleLog().domain([lo / 1.08, hi * 1.08]).range([ih, 0]).clamp(true) : scaleLinear().domain([lo, hi]).range([ih, 0]).nice()) as ScaleContinuousNumeric<number, number>;
  const Y = (v: number) => y(opt.log ? Math.max(v, lo) : v);
  const yTicks = opt.log ? logTicks(y.ticks()) : y.ticks(5);
  g.append('g').attr('class', 'axis grid').call(axisLeft(y).tickValues(yTicks).tickSize(-iw).tickFormat(format('~s')))
    .call((a) => a.select('.domain').remove());
  g.append('g').attr('class', 'axis').attr('transform', `translate(0,${ih})`).call(axisBottom(x).ticks(Math.max(3, Math.floor(iw / 110))));
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', -ih / 2).attr('y', -50).attr('text-anchor', 'middle')
    .text(opt.log ? `${opt.yLabel} (log)` : opt.yLabel);
  if (f) {
    const fc = g.append('g').attr('class', 'forecast').style('color', f.color);
    const cx = X(f.at.t);
    fc.append('rect').attr('class', 'fc-band').attr('x', cx - 7).attr('width', 14).attr('y', Y(f.upper)).attr('height', Math.max(1, Y(f.lower) - Y(f.upper)))
      .append('title').text(f.title);
    fc.append('path').attr('class', 'fc-line').attr('d', line<Pt>().defined((p) => !opt.log || p.v > 0).x((p) => X(p.t)).y((p) => Y(p.v))(f.fit) ?? '');
    fc.append('path').attr('class', 'fc-ci').attr('d', `M${cx},${Y(f.lower)}V${Y(f.upper)}M${cx - 5},${Y(f.lower)}H${cx + 5}M${cx - 5},${Y(f.upper)}H${cx + 5}`);
    fc.append('circle').attr('class', 'fc-point').attr('cx', cx).attr('cy', Y(f.at.v)).attr('r', 4.5).append('title').text(f.title);
  }
  const mk = line<Pt>().defined((p) => !opt.log || p.v > 0).x((p) => X(p.t)).y((p) => Y(p.v));
  const lines = g.append('g').attr('class', 'series');
  for (const s of series) {
    const sg = lines.append('g').attr('class', 'series-g').attr('data-key', s.key).style('color', s.color);
    sg.append('path').attr('class', 'series-line' + (s.dashed ? ' dashed' : '')).attr('data-key', s.key).attr('d', mk(s.points) ?? '');
    const drawn = s.points.filter((p) => !opt.log || p.v > 0);
    if (drawn.length <= 60) sg.selectAll('circle').data(drawn).join('circle').attr('class', 'series-dot').attr('r', drawn.length === 1 ? 3.5 : 2).attr('cx', (p) => X(p.t)).attr('cy', (p) => Y(p.v));
  }
  // legend: hovering an entry highlights its line
  const focus = (key: string | null) => lines.selectAll<SVGGElement, unknown>('g.series-g').classed('dim', function () { return key !== null && this.dataset.key !== key; });
  for (const s of series) {
    legend.append('span').attr('class', 'll-item').attr('data-key', s.key)
      .on('mouseenter', () => focus(s.key)).on('mouseleave', () => focus(null))
      .call((sp) => { sp.append('i').attr('class', 'll-swatch' + (s.dashed ? ' dashed' : '')).style('color', s.color); sp.append('span').text(s.label); });
  }
  if (f) legend.append('span').attr('class', 'll-item muted').call((sp) => { sp.append('i').attr('class', 'll-band').style('color', f.color); sp.append('span').text('forecast, 95 % interval'); });
  // hover: a rule at the nearest snapshot and every line's value there
  const rule = g.append('line').attr('class', 'hover-rule').attr('y1', 0).attr('y2', ih).style('display', 'none');
  const marks = g.append('g').attr('class', 'hover-marks');
  const tol = Math.max(86400_000, (t1 - t0) / 60);
  g.append('rect').attr('class', 'hover-catch').attr('width', iw).attr('height', ih).attr('fill', 'transparent')
    .on('pointermove', (e: PointerEvent) => {
      const [px] = pointer(e);
      const t = x.invert(px).getTime();
      let best: Pt | null = null;
      for (const s of series) { const i = nearest(s.points, t); if (i >= 0 && (!best || Math.abs(s.points[i].t - t) < Math.abs(best.t - t))) best = s.points[i]; }
      if (!best) return;
      const at = best.t;
      const rows = series.map((s) => ({ s, p: s.points[nearest(s.points, at)] })).filter((r) => r.p && Math.abs(r.p.t - at) <= tol)
        .sort((a, b) => b.p.v - a.p.v);
      rule.attr('x1', X(at)).attr('x2', X(at)).style('display', null);
      marks.selectAll('circle').data(rows.filter((r) => !opt.log || r.p.v > 0)).join('circle').attr('r', 4).attr('cx', (r) => X(r.p.t)).attr('cy', (r) => Y(r.p.v)).style('color', (r) => r.s.color);
      const node = tip.node()!;
      node.replaceChildren();
      const head = document.createElement('div'); head.className = 'tt-id'; head.textContent = opt.fmtTime(at); node.append(head);
      const grid = document.createElement('div'); grid.className = 'tt-grid';
      for (const r of rows) {
        const k = document.createElement('span'); const sw = document.createElement('i'); sw.className = 'll-swatch'; sw.style.color = r.s.color; k.append(sw, ' ' + r.s.label);
        const v = document.createElement('b'); v.textContent = opt.fmtValue(r.p.v);
        grid.append(k, v);
      }
      node.append(grid);
      tip.attr('hidden', null);
      const box = el.getBoundingClientRect(), svgBox = (svg.node() as SVGSVGElement).getBoundingClientRect();
      let left = svgBox.left - box.left + m.left + X(at) + 12;
      if (left + node.offsetWidth > box.width - 4) left -= node.offsetWidth + 24;
      node.style.transform = `translate(${Math.max(0, left)}px, ${svgBox.top - box.top + m.top + 4}px)`;
    })
    .on('pointerleave', () => { rule.style('display', 'none'); marks.selectAll('circle').remove(); tip.attr('hidden', true); });
}
