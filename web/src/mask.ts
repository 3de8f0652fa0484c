// Which points pass the filters, computed in the browser over the points'
// byte columns (one pass, no objects) so that filtered-out points fade at
// once.  The codes are coarse (log-quantised counts, first license and
// language only, 255 = "a value outside the dictionary"), so this mask is
// the picture; the exact numbers shown come from /api/models/count.
import { logCode, parseMonth, type Column } from './points';
import type { Filters, Facet } from './state';

export interface MaskInput {
  n: number;
  columns: Record<string, Column>;
  header: { dictionaries: Record<string, unknown> };
}

// Facet values → accepted byte codes (256 flags).  A value outside the
// dictionary may be any of the 255 ("other") points, so it accepts 255.
export function facetCodes(values: string[], dict: string[] | undefined): Uint8Array {
  const ok = new Uint8Array(256);
  for (const v of values) {
    if (v === 'none') { ok[0] = 1; continue; }
    const i = dict ? dict.indexOf(v) : -1;
    if (i > 0) ok[i] = 1; else ok[255] = 1;
  }
  return ok;
}

// The columns a filter set needs (beyond the default ones).
export function neededColumns(f: Filters): string[] {
  const need: string[] = [];
  if (f.language.length) need.push('language');
  if (f.createdFrom || f.createdTo) need.push('created');
  return need;
}

// Returns the number of passing points; mask[i] = 1 passes, 0 fails.
export function computeMask(p: MaskInput, f: Filters, mask: Uint8Array): number {
  const n = p.n;
  mask.fill(1, 0, n);
  const c = p.columns;
  const tests: ((i: number) => boolean)[] = [];
  const range = (col: Column | undefined, lo?: number, hi?: number) => {
    if (!col || (lo === undefined && hi === undefined)) return;
    const a = lo === undefined ? 0 : logCode(lo);
    const b = hi === undefined ? 255 : logCode(hi);
    tests.push((i) => col[i] >= a && col[i] <= b);
  };
  range(c.downloads, f.minDownloads, f.maxDownloads);
  range(c.likes, f.minLikes, f.maxLikes);
  const facets: Facet[] = ['library', 'pipeline', 'license', 'language'];
  for (const k of facets) {
    const col = c[k];
    if (!f[k].length || !col) continue;
    const ok = facetCodes(f[k], p.header.dictionaries[k] as string[] | undefined);
    tests.push((i) => ok[col[i]] === 1);
  }
  if (f.baseOnly && c.flags) { const fl = c.flags; tests.push((i) => (fl[i] & 1) === 1); }
  if (f.maxDepth !== undefined && c.depth) { const d = c.depth, m = f.maxDepth; tests.push((i) => d[i] <= m); }
  if ((f.createdFrom || f.createdTo) && c.created) {
    const cr = c.created;
    const lo = f.createdFrom ? parseMonth(f.createdFrom) : 1;
    const hi = f.createdTo ? parseMonth(f.createdTo) : 65535;
    tests.push((i) => cr[i] !== 0 && cr[i] >= lo && cr[i] <= hi);
  }
  if (f.cluster !== undefined && c.cluster) { const cl = c.cluster, k = f.cluster; tests.push((i) => cl[i] === k); }
  if (!tests.length) return n;
  let count = 0;
  for (let i = 0; i < n; i++) {
    let pass = 1;
    for (let t = 0; t < tests.length; t++) if (!tests[t](i)) { pass = 0; break; }
    mask[i] = pass;
    count += pass;
  }
  return count;
}
