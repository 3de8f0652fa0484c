// Colour mappings: a byte code per point plus a 256-entry palette, and the
// legend that explains them.  Categorical codes come straight from the
// points' byte columns (no copy); family, cluster above 255, depth and
// created are mapped into a fresh Uint8Array in one pass.
import { interpolateViridis, interpolateTurbo, rgb } from 'd3';
import type { Column, Points } from './points';
import { monthLabel } from './points';
import type { ColorBy } from './state';

export interface LegendEntry { label: string; color: string; count: number; code: number; value?: string }
export interface ColorMapping {
  by: ColorBy;
  codes: Uint8Array;
  palette: Uint8Array;       // 256 × RGBA
  kind: 'categorical' | 'sequential';
  entries: LegendEntry[];    // categorical: the most frequent values
  others: number;            // points in categories not listed
  ramp?: { lo: string; hi: string; colors: string[] };
}

// 20 well-separated hues (Tableau 20 order, then a few extras).
const DISTINCT = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#2f9fd8', '#86bc86', '#d37295', '#fabfd2', '#b6992d', '#499894', '#f1ce63', '#8cd17d',
  '#a0cbe8', '#ffbe7d', '#d4a6c8'];
export const NONE_COLOR = '#9aa0a6';
export const OTHER_COLOR = '#6b7280';

const hex = (c: string): [number, number, number] => { const r = rgb(c); return [r.r, r.g, r.b]; };
const golden = (i: number) => rgb(`hsl(${(i * 137.508) % 360}, 62%, 55%)`).formatHex();

function paletteFrom(colors: (string | undefined)[], alpha = 230): Uint8Array {
  const p = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = hex(colors[i] ?? OTHER_COLOR);
    p.set([r, g, b, alpha], 4 * i);
  }
  return p;
}

function counts(codes: Column, n: number, size = 256): Uint32Array {
  const c = new Uint32Array(size);
  for (let i = 0; i < n; i++) c[codes[i]]++;
  return c;
}

function categorical(by: ColorBy, codes: Uint8Array, names: (code: number) => string, colorOf: (code: number) => string,
                      n: number, maxEntries = 12): ColorMapping {
  const c = counts(codes, n);
  const colors: string[] = [];
  for (let i = 0; i < 256; i++) colors[i] = colorOf(i);
  const order = Array.from({ length: 256 }, (_, i) => i).filter((i) => c[i] > 0).sort((a, b) => c[b] - c[a]);
  const entries = order.slice(0, maxEntries).map((code) => ({ label: names(code), color: colors[code], count: c[code], code }));
  const others = order.slice(maxEntries).reduce((s, code) => s + c[code], 0);
  return { by, codes, palette: paletteFrom(colors), kind: 'categorical', entries, others };
}

export function colorMapping(by: ColorBy, pts: Points): ColorMapping | null {
  const n = pts.n;
  const col = pts.columns[by];
  const dict = pts.header.dictionaries;
  if (!col) return null;
  if (by === 'library' || by === 'pipeline' || by === 'license' || by === 'language') {
    const names = (dict[by] as string[] | undefined) ?? [];
    // Distinct colours go to the most frequent values, so a legend's colours stay apart.
    const c = counts(col, n);
    const rank = new Int32Array(256).fill(-1);
    Array.from({ length: 254 }, (_, i) => i + 1).filter((i) => c[i] > 0).sort((a, b) => c[b] - c[a])
      .forEach((code, r) => { rank[code] = r; });
    const m = categorical(by, col as Uint8Array,
      (code) => (code === 0 ? 'none' : code === 255 ? 'other values' : names[code] ?? `#${code}`),
      (code) => (code === 0 ? NONE_COLOR : code === 255 ? OTHER_COLOR : rank[code] >= 0 && rank[code] < DISTINCT.length ? DISTINCT[rank[code]] : OTHER_COLOR),
      n);
    m.entries.forEach((e) => { e.value = e.code === 0 ? 'none' : e.code === 255 ? undefined : names[e.code]; });
    return m;
  }
  if (by === 'cluster') {
    const labels = (dict.cluster as string[] | undefined) ?? [];
    let codes: Uint8Array;
    if (col instanceof Uint8Array) codes = col;
    else { codes = new Uint8Array(n); for (let i = 0; i < n; i++) codes[i] = col[i] % 256; }
    const m = categorical(by, codes, (code) => `${code}: ${labels[code] ?? ''}`, (code) => golden(code), n, 12);
    m.entries.forEach((e) => { e.value = String(e.code); });
    return m;
  }
  if (by === 'family') {
    const fams = dict.family ?? [];
    const idx = new Map<number, number>();
    fams.forEach((f, i) => { if (i < 254) idx.set(f.family, i + 1); });
    const codes = new Uint8Array(n);
    for (let i = 0; i < n; i++) codes[i] = idx.get(col[i]) ?? 0;
    const m = categorical(by, codes,
      (code) => (code === 0 ? 'smaller families and lone models' : `${fams[code - 1].root} (${fams[code - 1].size.toLocaleString()})`),
      (code) => (code === 0 ? NONE_COLOR : code <= DISTINCT.length ? DISTINCT[code - 1] : golden(code)), n, 12);
    m.entries.forEach((e) => { e.value = e.code === 0 ? undefined : fams[e.code - 1].root; });
    return m;
  }
  if (by === 'depth') {
    let maxD = 0;
    for (let i = 0; i < n; i++) if (col[i] > maxD) maxD = col[i];
    const top = Math.max(1, Math.min(maxD, 12));
    const codes = new Uint8Array(n);
    for (let i = 0; i < n; i++) codes[i] = col[i] > top ? top : col[i];
    const colors = Array.from({ length: 256 }, (_, d) => interpolateViridis(Math.min(d, top) / top));
    const c = counts(codes, n);
    const entries: LegendEntry[] = [];
    for (let d = 0; d <= top; d++) if (c[d]) entries.push({ label: d === top && maxD > top ? `${d}+ generations` : d === 0 ? '0 (root)' : `${d}`, color: colors[d], count: c[d], code: d });
    return { by, codes, palette: paletteFrom(colors), kind: 'categorical', entries, others: 0 };
  }
  if (by === 'created') {
    let lo = 65535, hi = 0;
    for (let i = 0; i < n; i++) { const v = col[i]; if (v) { if (v < lo) lo = v; if (v > hi) hi = v; } }
    if (hi < lo) { lo = 1; hi = 1; }
    const codes = new Uint8Array(n);
    const span = Math.max(1, hi - lo);
    for (let i = 0; i < n; i++) { const v = col[i]; codes[i] = v ? 1 + Math.round(((v - lo) / span) * 254) : 0; }
    const colors = Array.from({ length: 256 }, (_, k) => (k === 0 ? NONE_COLOR : interpolateTurbo(0.1 + 0.8 * ((k - 1) / 254))));
    const c = counts(codes, n);
    const ramp = { lo: monthLabel(lo), hi: monthLabel(hi), colors: [0, 0.25, 0.5, 0.75, 1].map((t) => interpolateTurbo(0.1 + 0.8 * t)) };
    return { by, codes, palette: paletteFrom(colors), kind: 'sequential', entries: [{ label: 'unknown date', color: NONE_COLOR, count: c[0], code: 0 }], others: 0, ramp };
  }
  return null;
}

// Which columns a colour mapping needs that the default points body lacks.
export const EXTRA_FOR_COLOR: Partial<Record<ColorBy, string>> = { family: 'family', created: 'created', language: 'language' };
