import { describe, it, expect } from 'vitest';
import { groupSimilarity, relationMean, arcLayout, docRows, diffSummary, diffStrip, firstParent, profileScale, type SimConfig, type DocsAnswer, type DocStats, type FamilyProfile } from '../src/science';
import { urlToState, stateToUrl, defaultState, defaultScience } from '../src/state';

const est = (m: number) => ({ mean: m, ci_low: m - 0.01, ci_high: m + 0.01 });
const cfg = (pattern: string, config: number, relation: string, gap: number | null, hops: number | null, m: number | null): SimConfig => ({
  pattern, config, relation, generation_gap: gap, hops, instances: 10, drawn: 5, pairs: 5,
  levenshtein: m === null ? null : est(m / 2), bow: m === null ? null : est(m / 3), tfidf: m === null ? null : est(m),
});
// The 24 configurations of docs/science.md (pattern, config, relation, gap, hops).
const PAPER: [string, number, string, number | null, number | null][] = [
  ['rando', 1, 'random pair', null, null], ['duo', 1, 'parent-child', 1, 1], ['trio_1', 1, 'parent-child', 1, 1], ['trio_1', 2, 'siblings', 0, 2],
  ['trio_2', 1, 'grandparent', 2, 2], ['trio_2', 2, 'parent-child', 1, 1], ['trio_2', 3, 'parent-child', 1, 1],
  ['quad_0', 1, 'parent-child', 1, 1], ['quad_0', 2, 'siblings', 0, 2],
  ['quad_1', 1, 'grandparent', 2, 2], ['quad_1', 2, 'parent-child', 1, 1], ['quad_1', 3, 'parent-child', 1, 1], ['quad_1', 4, 'siblings', 0, 2],
  ['quad_2', 1, 'grandparent', 2, 2], ['quad_2', 2, 'uncle-nephew', 1, 3], ['quad_2', 3, 'parent-child', 1, 1], ['quad_2', 4, 'parent-child', 1, 1], ['quad_2', 5, 'siblings', 0, 2],
  ['quad_3', 1, 'great-grandparent', 3, 3], ['quad_3', 2, 'grandparent', 2, 2], ['quad_3', 3, 'grandparent', 2, 2],
  ['quad_3', 4, 'parent-child', 1, 1], ['quad_3', 5, 'parent-child', 1, 1], ['quad_3', 6, 'parent-child', 1, 1],
];

describe('similarity grouping', () => {
  const configs = PAPER.map(([p, c, r, g, hp], i) => cfg(p, c, r, g, hp, i === 3 ? null : 0.1 + i / 40));
  it('groups the 24 configurations by generation gap, random first, keeping every row', () => {
    const groups = groupSimilarity(configs, 'tfidf');
    expect(groups.map((g) => g.gap)).toEqual([null, 0, 1, 2, 3]);
    expect(groups.reduce((s, g) => s + g.bars.length, 0)).toBe(24);
    expect(groups[0].bars.map((b) => b.key)).toEqual(['rando·1']);
    expect(groups[1].bars.map((b) => b.key)).toEqual(['trio_1·2', 'quad_0·2', 'quad_1·4', 'quad_2·5']);
    expect(groups[1].bars.every((b) => b.relation === 'siblings')).toBe(true);
    expect(groups[4].bars.map((b) => b.relation)).toEqual(['great-grandparent']);
  });
  it('orders a gap by hop distance: uncle–nephew (3 hops) after the parent–child pairs', () => {
    const g1 = groupSimilarity(configs, 'tfidf').find((g) => g.gap === 1)!;
    expect(g1.bars).toHaveLength(13);
    expect(g1.bars[g1.bars.length - 1].key).toBe('quad_2·2');
    expect(g1.bars[0].key).toBe('duo·1');
  });
  it('picks the chosen measure and keeps a missing estimate as null', () => {
    const lev = groupSimilarity(configs, 'levenshtein');
    const duo = lev.flatMap((g) => g.bars).find((b) => b.key === 'duo·1')!;
    expect(duo.est!.mean).toBeCloseTo((0.1 + 1 / 40) / 2);
    expect(lev.flatMap((g) => g.bars).find((b) => b.key === 'trio_1·2')!.est).toBeNull();
  });
  it('averages a relation over its configurations', () => {
    const groups = groupSimilarity([cfg('trio_1', 2, 'siblings', 0, 2, 0.6), cfg('quad_0', 2, 'siblings', 0, 2, 0.8), cfg('duo', 1, 'parent-child', 1, 1, 0.5)], 'tfidf');
    expect(relationMean(groups, 'siblings')).toBeCloseTo(0.7);
    expect(relationMean(groups, 'uncle-nephew')).toBeNull();
  });
});

describe('drift arc layout', () => {
  const order = ['a', 'b', 'c', 'd'];
  const values = [{ value: 'a', models: 100 }, { value: 'b', models: 25 }, { value: 'c', models: 4 }, { value: 'd', models: 0 }];
  const edges = [
    { from: 'a', to: 'c', weight: 40, reverse: 0, net: 40 },
    { from: 'c', to: 'a', weight: 0, reverse: 40, net: -40 },
    { from: 'b', to: 'd', weight: 12, reverse: 2, net: 10 },
    { from: 'd', to: 'b', weight: 2, reverse: 12, net: -10 },
    { from: 'd', to: 'c', weight: 5, reverse: 0, net: 5 },
    { from: 'a', to: 'b', weight: 3, reverse: 3, net: 0 },
    { from: 'a', to: 'zzz', weight: 9, reverse: 0, net: 9 },
  ];
  const lay = arcLayout(order, edges, values, { width: 400, left: 50, right: 50, maxStroke: 16 });
  it('places the nodes left to right by rank, evenly', () => {
    expect(lay.nodes.map((n) => [n.value, n.rank, n.x])).toEqual([['a', 1, 50], ['b', 2, 150], ['c', 3, 250], ['d', 4, 350]]);
    expect(lay.nodes[0].r).toBeGreaterThan(lay.nodes[1].r);
  });
  it('draws one arc per oriented edge (net > 0, both ends in the order)', () => {
    expect(lay.arcs.map((a) => `${a.from}>${a.to}`).sort()).toEqual(['a>c', 'b>d', 'd>c']);
  });
  it('sizes arcs by √net traffic, thickest first, and sides them by direction', () => {
    const by = Object.fromEntries(lay.arcs.map((a) => [a.from + a.to, a]));
    expect(by.ac.width).toBe(16);
    expect(by.bd.width).toBeCloseTo(16 * Math.sqrt(10 / 40));
    expect(lay.arcs[0].from + lay.arcs[0].to).toBe('ac');
    expect(by.ac.forward).toBe(true);
    expect(by.dc.forward).toBe(false);
    expect(by.ac.d).toBe('M50,0 A100,100 0 0,1 250,0');
    expect(by.dc.d).toBe('M350,0 A50,50 0 0,1 250,0');
    expect(lay.baseline).toBe(100 + 8 + 12);
    expect(lay.height).toBe(lay.baseline + 50 + 8 + 12);
    const flat = arcLayout(order, edges, values, { width: 400, left: 50, right: 50, flatten: 0.5 });
    expect(flat.arcs.find((a) => a.from === 'a')!.d).toBe('M50,0 A100,50 0 0,1 250,0');
  });
});

describe('documentation rows', () => {
  const st = (edges: number): DocStats => ({ edges, card_chars: { n: 1, parent: 10, child: 5, change: -5 }, card_chars_mean_relative_change: null,
    auto_generated: { n: 0, parent: 0, child: 0, change: 0 }, has_card: { n: 0, parent: 0, child: 0, change: 0 },
    languages_both: { n: 0, parent: 0, child: 0, change: 0 }, languages_all: { n: 0, parent: 0, child: 0, change: 0 } });
  it('keeps the relations and generations that have edges', () => {
    const d: DocsAnswer = { analysis: 'docs', relations: 'all', overall: st(9), by_relation: { untyped: st(0), finetune: st(5), adapter: st(4) },
      by_generation: [{ generation: 1, or_deeper: false, stats: st(7) }, { generation: 10, or_deeper: true, stats: st(2) }, { generation: 'cycle', or_deeper: false, stats: st(0) }] };
    const r = docRows(d);
    expect(r.relation.map((x) => x.label)).toEqual(['all edges', 'finetune', 'adapter']);
    expect(r.generation.map((x) => x.label)).toEqual(['gen 1', 'gen 10+']);
  });
});

describe('generation profile', () => {
  it('scales the bars by the largest generation and longest card, keeps the relations in order', () => {
    const row = (depth: number, models: number, chars: number | null, incoming: Record<string, number>) => ({ depth, models, incoming,
      english_only: 0, has_card: chars === null ? 0 : 1, with_card: chars === null ? 0 : models, auto_generated: chars === null ? null : 0, card_chars_mean: chars });
    const f: FamilyProfile = { id: 'a/x', root: 'a/r', models: 10, max_depth: 2, in_cycles: 0, profile: [
      row(0, 1, 900, { finetune: 0, merge: 0 }), row(1, 6, 300, { finetune: 0.5, merge: 0.5 }), row(2, 3, null, { finetune: 1, merge: 0 })] };
    expect(profileScale(f)).toEqual({ relations: ['finetune', 'merge'], maxModels: 6, maxChars: 900 });
  });
});

describe('diff shaping', () => {
  const segs = [{ op: 'equal', a: 'ab', b: 'ab' }, { op: 'replace', a: 'c', b: 'xyz' }, { op: 'delete', a: 'dé', b: '' }, { op: 'insert', a: '', b: 'q' }, { op: 'equal', a: 'e', b: 'e' }] as const;
  it('counts segments and characters per operation', () => {
    const s = diffSummary([...segs]);
    expect(s.segments).toEqual({ equal: 2, replace: 1, delete: 1, insert: 1 });
    expect(s.chars).toEqual({ equal: 3, replace: 1, delete: 2, insert: 1 });
  });
  it('lays the segments end to end as alignment columns', () => {
    expect(diffStrip([...segs])).toEqual([
      { op: 'equal', start: 0, len: 2 }, { op: 'replace', start: 2, len: 3 }, { op: 'delete', start: 5, len: 2 }, { op: 'insert', start: 7, len: 1 }, { op: 'equal', start: 8, len: 1 }]);
  });
  it('finds the first in-map parent', () => {
    expect(firstParent({ base: [{ id: 'g/base', in_map: true }], finetune: [{ id: 'x/gone', in_map: false }, { id: 'g/p', in_map: true }] })).toBe('g/p');
    expect(firstParent({ finetune: [], merge: [{ id: 'm', in_map: false }] })).toBeUndefined();
    expect(firstParent(undefined)).toBeUndefined();
  });
});

describe('science URL state', () => {
  it('round-trips the sub-page and its switches', () => {
    const s = { ...defaultState(), view: 'science' as const, model: 'google/gemma-7b',
      science: { ...defaultScience(), page: 'drift' as const, trait: 'language' as const, order: 'unweighted' as const, from: 'English', to: 'multi lingual', measure: 'bow' as const, stripIds: true } };
    const url = stateToUrl(s);
    expect(url.startsWith('/science/drift?')).toBe(true);
    expect(urlToState(url)).toEqual(s);
  });
  it('leaves defaults out and falls back on bad values', () => {
    expect(stateToUrl({ ...defaultState(), view: 'science', science: defaultScience() })).toBe('/science/similarity');
    const s = urlToState('/science/nowhere?measure=cosine&trait=colour&artifact=x&from=a');
    expect(s.science).toEqual(defaultScience());
    expect(urlToState('/science').science).toEqual(defaultScience());
  });
  it('keeps the generation profile\'s family', () => {
    const s = urlToState('/science/generations?family=google%2Fgemma-7b');
    expect(s.science).toMatchObject({ page: 'generations', family: 'google/gemma-7b' });
    expect(stateToUrl(s)).toBe('/science/generations?family=google%2Fgemma-7b');
  });
  it('keeps the diff models and leaves science out of other views', () => {
    const s = urlToState('/science/diff?a=google%2Fgemma-7b&b=x%2Fy%20z&artifact=card');
    expect(s.science).toMatchObject({ page: 'diff', a: 'google/gemma-7b', b: 'x/y z', artifact: 'card' });
    expect(stateToUrl({ ...s, view: 'map' })).toBe('/map');
    expect(urlToState('/map?a=1&trait=language').science).toBeUndefined();
  });
});
