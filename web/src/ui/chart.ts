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
