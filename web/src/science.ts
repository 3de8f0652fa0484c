// Data shaping for the Science view (ui/science.ts): the answers of
// /api/analyze/* (docs/api.md "Analyses", docs/science.md) turned into what
// the charts draw.  Pure functions only (unit-tested in tests/science.test.ts).
import type { Measure } from './state';

// ---- similarity ------------------------------------------------------------------
export interface Estimate { mean: number; ci_low: number; ci_high: number }
export interface SimConfig {
  pattern: string; config: number; relation: string; generation_gap: number | null; hops: number | null;
  instances: number; drawn: number; pairs: number;
  levenshtein: Estimate | null; bow: Estimate | null; tfidf: Estimate | null;
}
export interface SimilarityAnswer {
  analysis: 'similarity'; relations: string; artifact: string; strip_ids: boolean; drop_frontmatter: boolean;
  samples: number; bootstrap: number; seed: number; eligible_documents: number; vocabulary_documents: number; features: number;
  configs: SimConfig[];
}
export interface SimBar {
  key: string;            // "trio_1·2"
  pattern: string; config: number; relation: string; hops: number | null; gap: number | null;
  pairs: number; instances: number;
  est: Estimate | null;   // null: no valid pair (card runs)
}
export interface SimGroup { gap: number | null; label: string; bars: SimBar[] }

export const GAP_LABELS: Record<string, string> = {
  random: 'random pairs', 0: 'gap 0 · siblings', 1: 'gap 1 · parent–child, uncle–nephew', 2: 'gap 2 · grandparent', 3: 'gap 3 · great-grandparent',
};
export const gapLabel = (g: number | null) => GAP_LABELS[g === null ? 'random' : String(g)] ?? `gap ${g}`;

// The 24 configurations grouped by generation gap as the paper plots them:
// random pairs first, then gap 0, 1, 2, 3; inside a group by hop distance,
// then in the answer's order (pattern, configuration).
export function groupSimilarity(configs: SimConfig[], measure: Measure): SimGroup[] {
  const groups = new Map<string, SimGroup>();
  configs.forEach((c) => {
    const k = c.generation_gap === null ? 'random' : String(c.generation_gap);
    let g = groups.get(k);
    if (!g) { g = { gap: c.generation_gap, label: gapLabel(c.generation_gap), bars: [] }; groups.set(k, g); }
    g.bars.push({
      key: `${c.pattern}·${c.config}`, pattern: c.pattern, config: c.config, relation: c.relation, hops: c.hops, gap: c.generation_gap,
      pairs: c.pairs, instances: c.instances, est: c[measure] ?? null,
    });
  });
  const out = [...groups.values()];
  out.sort((a, b) => (a.gap === null ? -1 : a.gap) - (b.gap === null ? -1 : b.gap));
  for (const g of out) {
    const idx = new Map(g.bars.map((b, i) => [b, i]));
    g.bars.sort((a, b) => (a.hops ?? 0) - (b.hops ?? 0) || idx.get(a)! - idx.get(b)!);
  }
  return out;
}

// Mean of the bar means of one relation (for the "siblings vs parent–child" contrast line).
export function relationMean(groups: SimGroup[], relation: string): number | null {
  const v = groups.flatMap((g) => g.bars).filter((b) => b.relation === relation && b.est).map((b) => b.est!.mean);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

// ---- drift -----------------------------------------------------------------------
export interface DriftEdge { from: string; to: string; weight: number; reverse: number; net: number }
export interface Ordering {
  order: string[]; objective: number; compatible_edges: number; oriented_edges: number; oriented_compatibility: number;
  accounted_weight: number; total_weight: number; mutations_accounted: number;
}
export interface DriftAnswer {
  analysis: 'drift'; trait: string; relations: string; edges: number; traffic: number; mutated_edges: number; mutation_sum: number;
  mutation_rate: number; models_with_trait: number; distinct_values: number;
  graph: { edges: number; weight: number; oriented_edges: number; oriented_traffic: number; oriented_total_n: number };
  top_transitions: { from: string; to: string; weight: number; reverse: number }[];
  top: {
    n: number; values: { value: string; models: number }[]; oriented_edges: number; traffic: number; total_n: number;
    edges: DriftEdge[]; weighted: Ordering; unweighted: Ordering;
  };
}
export interface DriftPairs {
  analysis: 'drift-pairs'; trait: string; relations: string; from: string; to: string; total: number;
  pairs: { parent: string; child: string; relation: string; parent_values: string[]; child_values: string[] }[];
}

export interface ArcNode { value: string; rank: number; x: number; models: number; r: number }
export interface Arc {
  from: string; to: string; net: number; weight: number; reverse: number;
  x1: number; x2: number; forward: boolean; width: number; d: string;
}
export interface ArcLayout { nodes: ArcNode[]; arcs: Arc[]; width: number; height: number; baseline: number }

// The drift graph as an arc diagram: the top values left to right in the
// ordering's rank, one arc per oriented edge (net traffic > 0, drawn from the
// dominant side), stroke width ∝ √net.  Arcs that go down the order
// (left → right) are drawn above the baseline, those against it below; an
// arc is a half ellipse of height `flatten` × half its span.
export function arcLayout(order: string[], edges: DriftEdge[], values: { value: string; models: number }[],
  opt: { width: number; left?: number; right?: number; maxStroke?: number; flatten?: number }): ArcLayout {
  const left = opt.left ?? 40, right = opt.right ?? 40, maxStroke = opt.maxStroke ?? 16, flatten = opt.flatten ?? 1;
  const n = order.length;
  const step = n > 1 ? (opt.width - left - right) / (n - 1) : 0;
  const pos = new Map(order.map((v, i) => [v, left + i * step]));
  const models = new Map(values.map((v) => [v.value, v.models]));
  const maxModels = Math.max(1, ...values.map((v) => v.models));
  const nodes: ArcNode[] = order.map((v, i) => ({ value: v, rank: i + 1, x: pos.get(v)!, models: models.get(v) ?? 0, r: 3 + 7 * Math.sqrt((models.get(v) ?? 0) / maxModels) }));
  const oriented = edges.filter((e) => e.net > 0 && pos.has(e.from) && pos.has(e.to) && e.from !== e.to);
  const maxNet = Math.max(1, ...oriented.map((e) => e.net));
  let up = 0, down = 0;
  const arcs: Arc[] = oriented.map((e) => {
    const x1 = pos.get(e.from)!, x2 = pos.get(e.to)!;
    const forward = x1 < x2;
    const rx = Math.abs(x2 - x1) / 2, ry = rx * flatten;
    if (forward) up = Math.max(up, ry); else down = Math.max(down, ry);
    return {
      from: e.from, to: e.to, net: e.net, weight: e.weight, reverse: e.reverse, x1, x2, forward,
      width: Math.max(1, maxStroke * Math.sqrt(e.net / maxNet)),
      // Clockwise (sweep 1): left → right bulges up (y < 0), right → left down.
      d: `M${x1},0 A${rx},${Number(ry.toFixed(2))} 0 0,1 ${x2},0`,
    };
  });
  // Thick arcs first so thin ones stay clickable on top of them.
  arcs.sort((a, b) => b.width - a.width);
  const baseline = up + maxStroke / 2 + 12;
  return { nodes, arcs, width: opt.width, height: baseline + down + maxStroke / 2 + 12, baseline };
}

// ---- documentation drift ---------------------------------------------------------
export interface PC { n: number; parent: number; child: number; change: number }
export interface DocStats {
  edges: number; card_chars: PC; card_chars_mean_relative_change: number | null; auto_generated: PC; has_card: PC;
  languages_both: PC; languages_all: PC;
}
export interface DocsAnswer {
  analysis: 'docs'; relations: string; overall: DocStats; by_relation: Record<string, DocStats>;
  by_generation: { generation: number | string; or_deeper: boolean; stats: DocStats }[];
}
export interface DocRow { label: string; stats: DocStats }

// Overall, each relation with edges, each generation: the rows of the docs table.
export function docRows(d: DocsAnswer): { relation: DocRow[]; generation: DocRow[] } {
  const relation: DocRow[] = [{ label: 'all edges', stats: d.overall }];
  for (const [k, v] of Object.entries(d.by_relation)) if (v.edges > 0) relation.push({ label: k, stats: v });
  const generation = d.by_generation.filter((g) => g.stats.edges > 0)
    .map((g) => ({ label: typeof g.generation === 'number' ? `gen ${g.generation}${g.or_deeper ? '+' : ''}` : `gen ${g.generation}`, stats: g.stats }));
  return { relation, generation };
}

// ---- generation profile of a family (/api/analyze/docs?family=) ----------------------
export interface GenProfileRow {
  depth: number; models: number; incoming: Record<string, number>; english_only: number; has_card: number;
  with_card: number; auto_generated: number | null; card_chars_mean: number | null;
}
export interface FamilyProfile { id: string; root: string; models: number; max_depth: number; in_cycles: number; profile: GenProfileRow[] }
export interface FamilyDocsAnswer extends DocsAnswer { family: FamilyProfile }

// The relations drawn in the profile's stacked bars (those of the answer, in the API's order),
// the largest generation (for the size bars) and the longest mean card.
export function profileScale(f: FamilyProfile): { relations: string[]; maxModels: number; maxChars: number } {
  const relations: string[] = [];
  for (const r of f.profile) for (const k of Object.keys(r.incoming)) if (!relations.includes(k)) relations.push(k);
  return {
    relations,
    maxModels: Math.max(1, ...f.profile.map((r) => r.models)),
    maxChars: Math.max(1, ...f.profile.map((r) => r.card_chars_mean ?? 0)),
  };
}

// ---- license audit -----------------------------------------------------------------
export interface Rate { judged: number; flagged: number; rate: number }
export interface LicenseAnswer {
  analysis: 'license'; relations: string; edges: number; restrictive_parent: number; child_without_license: number;
  child_unclassified: number; judged: number; flagged: number; rate: number;
  by_parent_class: Record<string, Rate>; by_relation: Record<string, Rate>;
  flows: { from: string; to: string; count: number }[];
  families_judged: number; families_flagged: number;
  families: { root: string; size: number; judged: number; flagged: number; rate: number }[];
  pairs: { parent: string; child: string; relation: string; parent_license: string; child_license: string; parent_class: string; child_class: string }[];
}

// ---- diff ------------------------------------------------------------------------------
export type DiffOp = 'equal' | 'replace' | 'delete' | 'insert';
export interface DiffAnswer {
  analysis: 'diff'; artifact: string; a: string; b: string; a_chars: number; b_chars: number; truncated: boolean;
  distance: number; similarity: number; segments: { op: DiffOp; a: string; b: string }[];
}
export interface DiffSummary { segments: Record<DiffOp, number>; chars: Record<DiffOp, number> }

// Segments and characters per operation (characters: of A for equal/replace/delete, of B for insert).
export function diffSummary(segs: DiffAnswer['segments']): DiffSummary {
  const segments = { equal: 0, replace: 0, delete: 0, insert: 0 };
  const chars = { equal: 0, replace: 0, delete: 0, insert: 0 };
  for (const s of segs) {
    segments[s.op]++;
    chars[s.op] += [...(s.op === 'insert' ? s.b : s.a)].length;
  }
  return { segments, chars };
}

// A "DNA strip": each segment's share of the alignment's columns
// (a replace or an equal run spans max(|a|, |b|) columns, a delete |a|, an insert |b|).
export function diffStrip(segs: DiffAnswer['segments']): { op: DiffOp; start: number; len: number }[] {
  const out: { op: DiffOp; start: number; len: number }[] = [];
  let at = 0;
  for (const s of segs) {
    const len = Math.max([...s.a].length, [...s.b].length);
    if (!len) continue;
    out.push({ op: s.op, start: at, len });
    at += len;
  }
  return out;
}

// The first in-map parent of a model's details (relation order as the API gives it).
export function firstParent(parents: Record<string, { id: string; in_map: boolean }[]> | undefined): string | undefined {
  if (!parents) return undefined;
  const order = ['finetune', 'adapter', 'quantized', 'merge', 'base', ...Object.keys(parents)];
  for (const k of order) for (const p of parents[k] ?? []) if (p.in_map) return p.id;
  return undefined;
}

export const pct = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : (100 * v).toFixed(d) + '%');
export const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(d)).toLocaleString('en-US'));
