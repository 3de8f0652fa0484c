// The Science view: the analyses of `hfviz analyze` (docs/science.md) over
// the served map, from /api/analyze/* (docs/api.md "Analyses").  Five pages:
// relation similarity with bootstrap CIs by generation gap, trait drift as an
// arc diagram in the optimal ordering (click an arc → the parent→child pairs),
// documentation drift and the license audit, the generation profile of one
// family (per depth), and the parent/child "DNA diff".
// The page and its switches live in the URL (/science/<page>?…, state.ts).
import { select, scaleLinear, axisLeft } from 'd3';
import type { App } from '../app';
import { JsonCache, fmt } from '../api';
import { h, clear, spinner, errorBox, debounce } from '../dom';
import { defaultScience, SCI_PAGES, MEASURES, TRAITS, type SciPage, type ScienceState, type Measure, type Trait, type Ordering, type Artifact } from '../state';
import {
  groupSimilarity, relationMean, arcLayout, docRows, diffSummary, diffStrip, firstParent, profileScale, pct, num,
  type FamilyDocsAnswer,
  type SimilarityAnswer, type SimGroup, type DriftAnswer, type DriftPairs, type DocsAnswer, type DocStats, type PC,
  type LicenseAnswer, type DiffAnswer, type Arc,
} from '../science';

const PAGE_LABELS: Record<SciPage, string> = { similarity: 'Similarity', drift: 'Drift', docs: 'Documentation & licenses', generations: 'Generations', diff: 'Diff' };
export const DEFAULT_FAMILY = 'google/gemma-7b';
const INCOMING_COLORS: Record<string, string> = { finetune: '#3b82f6', adapter: '#16a34a', quantized: '#f59e0b', merge: '#a855f7', untyped: '#8b95a1' };
const MEASURE_LABELS: Record<Measure, string> = { levenshtein: 'Levenshtein', bow: 'bag of words', tfidf: 'TF-IDF' };
export const RELATION_COLORS: Record<string, string> = {
  'random pair': '#8b95a1', siblings: '#16a34a', 'parent-child': '#3b82f6', 'uncle-nephew': '#a855f7',
  grandparent: '#f59e0b', 'great-grandparent': '#ef4444',
};
const PAIR_LIMIT = 200;

export class ScienceView {
  private tabs: HTMLElement;
  private body = h('div', { class: 'sci-body' });
  private cache = new JsonCache();
  private seq = 0;
  private rendered = '';

  constructor(private app: App, root: HTMLElement) {
    if (!app.state.science) app.state.science = defaultScience();
    this.tabs = h('nav', { class: 'sci-tabs', 'aria-label': 'Analyses' }, SCI_PAGES.map((p) => h('a', {
      href: '/science/' + p, class: 'sci-tab', 'data-page': p,
      onclick: (e: MouseEvent) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); this.setPage(p); },
    }, PAGE_LABELS[p])));
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, 'Science'), this.tabs,
      h('span', { class: 'muted small' }, 'the analyses of docs/science.md over this map')), this.body);
    window.addEventListener('resize', debounce(() => { if (this.app.state.view === 'science') this.render(true); }, 250));
  }

  private get s(): ScienceState {
    if (!this.app.state.science) this.app.state.science = defaultScience();
    return this.app.state.science;
  }

  show() { void this.s; this.app.syncUrl(false); this.render(); }
  // Model selection (and theme changes) land here: only the diff's prefill and the
  // generation profile's default family depend on them.
  onState() {
    if (this.s.page === 'diff' && !this.s.a && !this.s.b) this.render(true);
    else if (this.s.page === 'generations' && !this.s.family) this.render();
  }

  private setPage(p: SciPage) {
    this.s.page = p;
    this.app.syncUrl(true);
    this.render();
  }
  private update(patch: Partial<ScienceState>, push = false) {
    Object.assign(this.s, patch);
    for (const k of Object.keys(patch) as (keyof ScienceState)[]) if (patch[k] === undefined) delete this.s[k];
    this.app.syncUrl(push);
    this.render(true);
  }

  // Re-renders the current page when its state changed (or when forced).
  private render(force = false) {
    const s = this.s;
    const key = JSON.stringify(s) + '|' + (this.app.details?.id ?? '');
    if (!force && key === this.rendered && this.body.childElementCount) return;
    this.rendered = key;
    this.tabs.querySelectorAll('.sci-tab').forEach((t) => t.setAttribute('aria-current', (t as HTMLElement).dataset.page === s.page ? 'page' : 'false'));
    const seq = ++this.seq;
    const page = h('div', { class: 'sci-page', id: 'sci-' + s.page });
    clear(this.body, page);
    window.__hfviz.science = { page: s.page, ready: false };
    const done = (p: Promise<void>) => p.finally(() => { if (seq === this.seq) window.__hfviz.science = { page: s.page, ready: true }; });
    if (s.page === 'similarity') done(this.similarity(page, seq));
    else if (s.page === 'drift') done(this.drift(page, seq));
    else if (s.page === 'docs') done(this.docs(page, seq));
    else if (s.page === 'generations') done(this.generations(page, seq));
    else done(this.diff(page, seq));
  }

  private modelLink(id: string) {
    return h('a', { href: `/science/${this.s.page}?model=${encodeURIComponent(id)}`, class: 'model-link', 'data-id': id,
      onclick: (e: MouseEvent) => { e.preventDefault(); this.app.selectModel(id, { fly: false }); } }, id);
  }
  private diffButton(a: string, b: string) {
    return h('button', { class: 'link diff-link', title: `character diff of ${a} and ${b}`, onclick: () => this.update({ page: 'diff', a, b }, true) }, 'diff');
  }
  private check(label: string, on: boolean, set: (v: boolean) => void, title = '') {
    return h('label', { class: 'chk', title }, h('input', { type: 'checkbox', checked: on, onchange: (e: Event) => set((e.target as HTMLInputElement).checked) }), label);
  }

  // ---- similarity ---------------------------------------------------------------------
  private async similarity(page: HTMLElement, seq: number) {
    const s = this.s;
    const seg = h('div', { class: 'segbtn', role: 'group', 'aria-label': 'Measure' }, MEASURES.map((m) => h('button', {
      class: m === s.measure ? 'on' : '', 'data-measure': m, 'aria-pressed': String(m === s.measure), onclick: () => this.update({ measure: m }),
    }, MEASURE_LABELS[m])));
    const art = h('select', { id: 'sci-artifact', 'aria-label': 'Artifact', onchange: (e: Event) => this.update({ artifact: (e.target as HTMLSelectElement).value as Artifact }) },
      h('option', { value: 'metadata', selected: s.artifact === 'metadata' }, 'metadata string'),
      h('option', { value: 'card', selected: s.artifact === 'card' }, 'model card (first 512 chars)'));
    const body = h('div', { class: 'chart-card sim-card' }, spinner('Sampling pairs and bootstrapping (seconds on a large map)…'));
    clear(page,
      h('div', { class: 'sci-controls' }, h('span', { class: 'muted' }, 'measure'), seg, h('label', {}, 'artifact ', art),
        this.check('strip ids', s.stripIds, (v) => this.update({ stripIds: v }), "leave out the model's own id and its base_model: tags"),
        this.check('no front matter', s.noFrontmatter, (v) => this.update({ noFrontmatter: v }), "drop the card's YAML front matter before the 512-character window")),
      body);
    const q = new URLSearchParams({ artifact: s.artifact });
    if (s.stripIds) q.set('strip_ids', 'true');
    if (s.noFrontmatter) q.set('no_frontmatter', 'true');
    let r: SimilarityAnswer;
    try { r = await this.cache.get<SimilarityAnswer>(`/api/analyze/similarity?${q}`); } catch (e) {
      if (seq === this.seq) clear(body, errorBox(e, 'Similarity unavailable'));
      return;
    }
    if (seq !== this.seq) return;
    const groups = groupSimilarity(r.configs, s.measure);
    const chart = h('div', { class: 'chart-body', id: 'sim-chart' });
    const sib = relationMean(groups, 'siblings'), pc = relationMean(groups, 'parent-child');
    const relations = [...new Set(r.configs.map((c) => c.relation))];
    clear(body,
      h('figcaption', {}, `Mean ${MEASURE_LABELS[s.measure]} similarity of related models, by generation gap (95% bootstrap CIs)`),
      h('div', { class: 'muted small' }, `${r.artifact} · graph: ${r.relations} · ${fmt(r.samples)} draws per configuration · ${fmt(r.bootstrap)} bootstrap resamples · seed ${r.seed} · ${fmt(r.eligible_documents)} eligible documents${r.strip_ids ? ' · ids stripped' : ''}${r.drop_frontmatter ? ' · front matter dropped' : ''}`),
      h('div', { class: 'sim-legend' }, relations.map((rel) => h('span', {}, h('i', { style: { background: RELATION_COLORS[rel] ?? '#888' } }), rel)),
        h('span', { class: 'muted' }, h('i', { class: 'ref-key' }), 'random-pair mean'), h('span', { class: 'muted' }, '⟂ 95% CI')),
      chart,
      sib !== null && pc !== null ? h('div', { class: 'notice', id: 'sim-contrast' }, 'Siblings ', h('b', {}, num(sib)), ' vs parent–child ', h('b', {}, num(pc)),
        ` (means over their configurations): ${sib > pc ? 'siblings resemble each other more than parents and children, as in the paper' : 'parents and children are closer here, unlike the paper'}.`) : null,
      h('details', { class: 'sim-table' }, h('summary', {}, 'All configurations'), simTable(groups)));
    drawSimilarity(chart, groups, { width: Math.max(640, body.clientWidth - 24), measure: MEASURE_LABELS[s.measure] });
  }

  // ---- drift ------------------------------------------------------------------------------
  private async drift(page: HTMLElement, seq: number) {
    const s = this.s;
    const trait = h('select', { id: 'sci-trait', 'aria-label': 'Trait', onchange: (e: Event) => this.update({ trait: (e.target as HTMLSelectElement).value as Trait, from: undefined, to: undefined }) },
      TRAITS.map((t) => h('option', { value: t, selected: t === s.trait }, t)));
    const ord = h('select', { id: 'sci-order', 'aria-label': 'Ordering', onchange: (e: Event) => this.update({ order: (e.target as HTMLSelectElement).value as Ordering }) },
      h('option', { value: 'weighted', selected: s.order === 'weighted' }, 'weighted (net traffic)'),
      h('option', { value: 'unweighted', selected: s.order === 'unweighted' }, 'unweighted (edge count)'));
    const head = h('div', { class: 'drift-stats' }, spinner('Computing the drift…'));
    const graph = h('div', { class: 'chart-card drift-card' });
    const pairs = h('div', { class: 'chart-card drift-pairs', id: 'drift-pairs' }, h('div', { class: 'hint' }, 'Click an arc (or a transition) to list the parent → child pairs behind it.'));
    clear(page, h('div', { class: 'sci-controls' }, h('label', {}, 'trait ', trait), h('label', {}, 'ordering ', ord)), head, graph, pairs);
    let r: DriftAnswer;
    try { r = await this.cache.get<DriftAnswer>(`/api/analyze/drift?trait=${s.trait}`); } catch (e) {
      if (seq === this.seq) clear(head, errorBox(e, 'Drift unavailable'));
      return;
    }
    if (seq !== this.seq) return;
    const o = r.top[s.order];
    const other = r.top[s.order === 'weighted' ? 'unweighted' : 'weighted'];
    const stat = (k: string, v: string, title = '') => h('div', { class: 'stat', title }, h('span', {}, k), h('b', {}, v));
    clear(head,
      stat('mutation rate', num(r.mutation_rate), 'sum of per-edge Jaccard distances / traffic'),
      stat('traffic', fmt(r.traffic), 'edges where parent and child both carry the trait'),
      stat('mutated edges', fmt(r.mutated_edges)),
      stat('models with the trait', fmt(r.models_with_trait)),
      stat('distinct values', fmt(r.distinct_values)),
      stat('oriented compatibility', `${pct(o.oriented_compatibility)} (${o.compatible_edges}/${o.oriented_edges})`, 'oriented top-n edges pointing down the order'),
      stat('mutations accounted for', `${pct(o.mutations_accounted)} (${fmt(o.accounted_weight)}/${fmt(o.total_weight)})`, 'raw transition weight pointing down the order'),
      stat(`${s.order === 'weighted' ? 'unweighted' : 'weighted'} ordering`, `${pct(other.oriented_compatibility)} · ${pct(other.mutations_accounted)}`, 'the other objective: oriented compatibility · mutations accounted for'));
    if (o.order.length < 2) { clear(graph, h('div', { class: 'hint' }, `Fewer than two ${s.trait} values: no ordering to draw.`)); return; }
    const svgBox = h('div', { class: 'chart-body', id: 'drift-graph' });
    clear(graph, h('figcaption', {}, `${s.trait}: the top ${o.order.length} values in the ${s.order} optimal order (upstream → downstream), arcs = net parent→child traffic`),
      h('div', { class: 'muted small' }, `Arcs above the axis run down the order (left → right), below against it; width ∝ √net. The transition weights count a single-valued change twice (docs/science.md). Graph: ${r.relations}.`),
      svgBox,
      h('details', {}, h('summary', {}, `Top transitions (${r.top_transitions.length})`),
        h('table', { class: 'data compact', id: 'drift-transitions' }, h('thead', {}, h('tr', {}, h('th', {}, 'from'), h('th', {}, 'to'), h('th', { class: 'num' }, 'weight'), h('th', { class: 'num' }, 'reverse'))),
          h('tbody', {}, r.top_transitions.map((t) => h('tr', { tabindex: '0', onclick: () => this.pickEdge(t.from, t.to) },
            h('td', {}, t.from), h('td', {}, t.to), h('td', { class: 'num' }, fmt(t.weight)), h('td', { class: 'num' }, fmt(t.reverse))))))));
    const lay = arcLayout(o.order, r.top.edges, r.top.values, { width: Math.max(700, graph.clientWidth - 24), left: 120, right: 30, flatten: 0.5 });
    drawArcs(svgBox, lay, s, (a) => this.pickEdge(a.from, a.to));
    if (s.from && s.to) this.loadPairs(pairs, s.trait, s.from, s.to, r);
  }

  private pickEdge(from: string, to: string) {
    this.s.from = from; this.s.to = to;
    this.app.syncUrl(true);
    document.querySelectorAll('#drift-graph path.arc').forEach((p) => p.classList.toggle('on', (p as SVGElement).dataset.from === from && (p as SVGElement).dataset.to === to));
    const box = document.getElementById('drift-pairs');
    if (box) this.cache.get<DriftAnswer>(`/api/analyze/drift?trait=${this.s.trait}`).then((r) => this.loadPairs(box, this.s.trait, from, to, r))
      .then(() => box.scrollIntoView({ block: 'nearest', behavior: 'smooth' })).catch((e) => clear(box, errorBox(e)));
  }

  private pairSeq = 0;
  private async loadPairs(box: HTMLElement, trait: Trait, from: string, to: string, r: DriftAnswer) {
    const seq = ++this.pairSeq;
    clear(box, spinner(`Pairs behind ${from} → ${to}…`));
    const q = new URLSearchParams({ trait, from, to, limit: String(PAIR_LIMIT) });
    let p: DriftPairs;
    try { p = await this.cache.get<DriftPairs>(`/api/analyze/drift/pairs?${q}`); } catch (e) {
      if (seq === this.pairSeq) clear(box, errorBox(e, `Pairs of ${from} → ${to}`));
      return;
    }
    if (seq !== this.pairSeq) return;
    const e = r.top.edges.find((x) => x.from === from && x.to === to) ?? r.top_transitions.find((x) => x.from === from && x.to === to);
    const rev = e && e.reverse > 0 ? h('button', { class: 'link', id: 'drift-reverse', onclick: () => this.pickEdge(to, from) }, `the other way: ${to} → ${from} (weight ${fmt(e.reverse)})`) : null;
    clear(box,
      h('h3', {}, `${trait}: ${from} → ${to}`),
      h('div', { class: 'muted', id: 'drift-pairs-total', 'data-total': String(p.total) },
        `${fmt(p.total)} parent → child pair${p.total === 1 ? '' : 's'}${e ? ` (transition weight ${fmt(e.weight)}: a pair adds 1 or 2)` : ''}`,
        p.pairs.length < p.total ? `; the first ${fmt(p.pairs.length)} listed` : '', rev ? ' · ' : '', rev),
      h('table', { class: 'data compact pairs' },
        h('thead', {}, h('tr', {}, h('th', {}, 'parent'), h('th', {}, 'child'), h('th', {}, 'relation'), h('th', {}, `${trait}: parent → child`), h('th', {}, ''))),
        h('tbody', {}, p.pairs.map((x) => h('tr', { class: 'pair' },
          h('td', { class: 'id' }, this.modelLink(x.parent)), h('td', { class: 'id' }, this.modelLink(x.child)), h('td', {}, x.relation),
          h('td', { class: 'vals' }, `${x.parent_values.join(', ') || '—'} → ${x.child_values.join(', ') || '—'}`),
          h('td', {}, this.diffButton(x.parent, x.child)))))));
  }

  // ---- documentation drift and license audit ---------------------------------------------------
  private async docs(page: HTMLElement, seq: number) {
    const docBox = h('div', { class: 'chart-card', id: 'docs-drift' }, spinner('Documentation drift…'));
    const licBox = h('div', { class: 'chart-card', id: 'license-audit' }, spinner('License audit…'));
    clear(page, docBox, licBox);
    const d = this.cache.get<DocsAnswer>('/api/analyze/docs').then((r) => { if (seq === this.seq) this.docsTables(docBox, r); })
      .catch((e) => { if (seq === this.seq) clear(docBox, errorBox(e, 'Documentation drift unavailable')); });
    const l = this.cache.get<LicenseAnswer>('/api/analyze/license').then((r) => { if (seq === this.seq) this.licenseAudit(licBox, r); })
      .catch((e) => { if (seq === this.seq) clear(licBox, errorBox(e, 'License audit unavailable')); });
    await Promise.all([d, l]);
  }

  private docsTables(box: HTMLElement, r: DocsAnswer) {
    const rows = docRows(r);
    const all = [...rows.relation, ...rows.generation].map((x) => x.stats);
    const maxOf = (f: (s: DocStats) => PC) => Math.max(1e-9, ...all.flatMap((s) => (f(s).n ? [f(s).parent, f(s).child] : [])));
    const pp = (v: number) => `${(100 * v).toFixed(1)} pp`;
    const cols: { key: string; title: string; get: (s: DocStats) => PC; f: (v: number) => string; chg?: (v: number) => string; max: number; tip: string }[] = [
      { key: 'card_chars', title: 'card length (chars)', get: (s) => s.card_chars, f: (v) => fmt(Math.round(v)), max: maxOf((s) => s.card_chars), tip: 'edges where both have a card; change of means' },
      { key: 'auto_generated', title: 'P(auto-generated card)', get: (s) => s.auto_generated, f: (v) => pct(v), chg: pp, max: 1, tip: 'same edges' },
      { key: 'has_card', title: 'P(has card)', get: (s) => s.has_card, f: (v) => pct(v), chg: pp, max: 1, tip: 'all edges' },
      { key: 'languages_both', title: 'languages (both list some)', get: (s) => s.languages_both, f: (v) => num(v, 2), max: maxOf((s) => s.languages_both), tip: 'edges where both list at least one language' },
      { key: 'languages_all', title: 'languages (all edges)', get: (s) => s.languages_all, f: (v) => num(v, 2), max: maxOf((s) => s.languages_all), tip: 'zeros included' },
    ];
    const cell = (c: (typeof cols)[number], s: DocStats) => {
      const v = c.get(s);
      if (!v.n) return h('td', { class: 'pc muted' }, '—');
      const down = v.change < 0;
      const chg = `${v.change >= 0 ? '+' : ''}${(c.chg ?? c.f)(v.change)}`;
      return h('td', { class: 'pc', title: `${c.tip}; n = ${fmt(v.n)} edges; change ${chg}` },
        h('div', { class: 'pc-bars' }, h('i', { class: 'p', style: { width: `${(100 * v.parent) / c.max}%` } }), h('i', { class: 'c', style: { width: `${(100 * v.child) / c.max}%` } })),
        h('span', {}, c.f(v.parent), ' → ', c.f(v.child)), ' ', h('span', { class: down ? 'chg down' : 'chg up' }, chg));
    };
    const table = (label: string, list: typeof rows.relation, id: string) => h('table', { class: 'data compact docs', id },
      h('thead', {}, h('tr', {}, h('th', {}, label), h('th', { class: 'num' }, 'edges'), cols.map((c) => h('th', { title: c.tip }, c.title)))),
      h('tbody', {}, list.map((x) => h('tr', { 'data-group': x.label }, h('td', {}, x.label), h('td', { class: 'num' }, fmt(x.stats.edges)), cols.map((c) => cell(c, x.stats))))));
    clear(box,
      h('figcaption', {}, 'Documentation drift: parent vs child'),
      h('div', { class: 'muted small' }, h('span', { class: 'pc-key' }, h('i', { class: 'p' }), ' parent ', h('i', { class: 'c' }), ' child'),
        ` · graph: ${r.relations} · each cell: parent mean → child mean, and the change (child − parent); card length and P(auto-generated) on edges where both have a card.`,
        r.overall.card_chars_mean_relative_change !== null ? ` Mean of per-edge relative card-length changes (the pitfall, not the measure): ${pct(r.overall.card_chars_mean_relative_change)}.` : ''),
      h('h3', {}, 'By relation'), table('relation', rows.relation, 'docs-by-relation'),
      h('h3', {}, 'By generation (the child’s depth)'), table('generation', rows.generation, 'docs-by-generation'));
  }

  private licenseAudit(box: HTMLElement, r: LicenseAnswer) {
    const rateRow = (k: string, v: { judged: number; flagged: number; rate: number }) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, fmt(v.judged)), h('td', { class: 'num' }, fmt(v.flagged)),
      h('td', { class: 'rate' }, h('div', { class: 'rate-bar' }, h('i', { style: { width: `${100 * v.rate}%` } })), pct(v.rate)));
    const rateTable = (label: string, rows: [string, { judged: number; flagged: number; rate: number }][]) => h('table', { class: 'data compact' },
      h('thead', {}, h('tr', {}, h('th', {}, label), h('th', { class: 'num' }, 'judged'), h('th', { class: 'num' }, 'flagged'), h('th', {}, 'rate'))),
      h('tbody', {}, rows.map(([k, v]) => rateRow(k, v))));
    clear(box,
      h('figcaption', {}, 'License audit: children less restrictive than a commercial or non-commercial parent'),
      h('div', { class: 'drift-stats' },
        h('div', { class: 'stat' }, h('span', {}, 'flagged'), h('b', { id: 'license-flagged' }, `${fmt(r.flagged)} of ${fmt(r.judged)} judged (${pct(r.rate)})`)),
        h('div', { class: 'stat' }, h('span', {}, 'edges with a restrictive parent'), h('b', {}, fmt(r.restrictive_parent))),
        h('div', { class: 'stat', title: 'not judged' }, h('span', {}, 'child without a license'), h('b', {}, fmt(r.child_without_license))),
        h('div', { class: 'stat', title: 'not judged' }, h('span', {}, 'child license unclassified'), h('b', {}, fmt(r.child_unclassified))),
        h('div', { class: 'stat' }, h('span', {}, 'families flagged'), h('b', {}, `${fmt(r.families_flagged)} of ${fmt(r.families_judged)}`))),
      h('div', { class: 'lic-grid' },
        h('div', {}, h('h3', {}, 'By parent class'), rateTable('parent class', Object.entries(r.by_parent_class)),
          h('h3', {}, 'By relation'), rateTable('relation', Object.entries(r.by_relation).filter(([, v]) => v.judged > 0))),
        h('div', {}, h('h3', {}, 'Families'), h('table', { class: 'data compact' },
          h('thead', {}, h('tr', {}, h('th', {}, 'root'), h('th', { class: 'num' }, 'size'), h('th', { class: 'num' }, 'judged'), h('th', { class: 'num' }, 'flagged'), h('th', {}, 'rate'))),
          h('tbody', {}, r.families.map((f) => h('tr', {}, h('td', { class: 'id' }, this.modelLink(f.root)), h('td', { class: 'num' }, fmt(f.size)), h('td', { class: 'num' }, fmt(f.judged)), h('td', { class: 'num' }, fmt(f.flagged)),
            h('td', { class: 'rate' }, h('div', { class: 'rate-bar' }, h('i', { style: { width: `${100 * f.rate}%` } })), pct(f.rate)))))),
          h('h3', {}, 'Flows'), h('table', { class: 'data compact' },
            h('thead', {}, h('tr', {}, h('th', {}, 'parent license'), h('th', {}, 'child license'), h('th', { class: 'num' }, 'pairs'))),
            h('tbody', {}, r.flows.map((f) => h('tr', {}, h('td', {}, f.from), h('td', {}, f.to), h('td', { class: 'num' }, fmt(f.count)))))))),
      h('h3', {}, `Flagged pairs (${fmt(r.pairs.length)}${r.pairs.length < r.flagged ? ` of ${fmt(r.flagged)}` : ''})`),
      h('div', { class: 'pair-scroll' }, h('table', { class: 'data compact pairs', id: 'license-pairs' },
        h('thead', {}, h('tr', {}, h('th', {}, 'parent'), h('th', {}, 'license'), h('th', {}, 'child'), h('th', {}, 'license'), h('th', {}, 'relation'), h('th', {}, ''))),
        h('tbody', {}, r.pairs.map((p) => h('tr', { class: 'pair' },
          h('td', { class: 'id' }, this.modelLink(p.parent)), h('td', {}, h('span', { class: 'chip', title: p.parent_class }, p.parent_license)),
          h('td', { class: 'id' }, this.modelLink(p.child)), h('td', {}, h('span', { class: 'chip', title: p.child_class }, p.child_license)),
          h('td', {}, p.relation), h('td', {}, this.diffButton(p.parent, p.child))))))));
  }

  // ---- generation profile of a family ---------------------------------------------------------
  private async generations(page: HTMLElement, seq: number) {
    const s = this.s;
    const selected = this.app.details?.id ?? this.app.state.model;
    const family = s.family ?? selected ?? DEFAULT_FAMILY;
    const input = h('input', { type: 'search', id: 'gen-family', value: family, placeholder: 'a model id: its family', 'aria-label': 'Family (a member model id)', size: 40, maxlength: 512 });
    const go = () => { const v = input.value.trim(); if (v) this.update({ family: v }, true); };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    const out = h('div', { class: 'chart-card', id: 'gen-profile-card' }, spinner(`Generation profile of the family of ${family}…`));
    clear(page,
      h('div', { class: 'sci-controls' }, h('label', {}, 'family of ', input), h('button', { id: 'gen-go', class: 'btn', onclick: go }, 'Show'),
        selected && selected !== family ? h('button', { class: 'link', id: 'gen-selected', onclick: () => this.update({ family: selected }, true) }, `use ${selected}`) : null,
        s.family ? h('button', { class: 'link', id: 'gen-reset', title: 'follow the selected model', onclick: () => this.update({ family: undefined }, true) }, 'follow selection') : null),
      out);
    let r: FamilyDocsAnswer;
    try { r = await this.cache.get<FamilyDocsAnswer>(`/api/analyze/docs?${new URLSearchParams({ family })}`); } catch (e) {
      if (seq === this.seq) clear(out, errorBox(e, 'Generation profile unavailable'));
      return;
    }
    if (seq !== this.seq) return;
    const f = r.family;
    const sc = profileScale(f);
    const share = (v: number | null, id: string, title: string) => h('td', { class: 'rate', title, 'data-col': id },
      h('div', { class: 'rate-bar' }, h('i', { style: { width: `${100 * (v ?? 0)}%` } })), pct(v));
    clear(out,
      h('figcaption', {}, 'Generation profile: the family by depth (generation)'),
      h('div', { class: 'drift-stats' },
        h('div', { class: 'stat' }, h('span', {}, 'family of'), h('b', {}, this.modelLink(f.id))),
        h('div', { class: 'stat' }, h('span', {}, 'root'), h('b', {}, this.modelLink(f.root))),
        h('div', { class: 'stat' }, h('span', {}, 'models'), h('b', { id: 'gen-models' }, fmt(f.models))),
        h('div', { class: 'stat' }, h('span', {}, 'generations'), h('b', {}, fmt(f.max_depth + 1))),
        f.in_cycles ? h('div', { class: 'stat', title: 'models on or below a parent cycle, counted at depth 0' }, h('span', {}, 'on cycles'), h('b', {}, fmt(f.in_cycles))) : null),
      h('div', { class: 'muted small' },
        h('span', { class: 'pc-key' }, sc.relations.map((k) => [h('i', { style: { background: INCOMING_COLORS[k] ?? '#888' } }), ` ${k} `])),
        ` · graph: ${r.relations} · incoming: share of the depth's models with an edge of that relation from a parent (a merge child can have several) · auto-generated and card length: of the models with a card.`),
      h('div', { class: 'pair-scroll' }, h('table', { class: 'data compact gen-profile', id: 'gen-profile' },
        h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'depth'), h('th', {}, 'models'), h('th', {}, 'incoming edge'),
          h('th', {}, 'English-only'), h('th', {}, 'has card'), h('th', {}, 'auto-generated'), h('th', {}, 'mean card length'))),
        h('tbody', {}, f.profile.map((x) => h('tr', { 'data-depth': String(x.depth) },
          h('td', { class: 'num' }, String(x.depth)),
          h('td', { class: 'rate', 'data-col': 'models' }, h('div', { class: 'rate-bar' }, h('i', { style: { width: `${(100 * x.models) / sc.maxModels}%` } })), fmt(x.models)),
          h('td', { class: 'rate', 'data-col': 'incoming', title: sc.relations.map((k) => `${k} ${pct(x.incoming[k] ?? 0)}`).join(' · ') },
            h('div', { class: 'rate-bar stack' }, sc.relations.map((k) => h('i', { style: { width: `${100 * (x.incoming[k] ?? 0)}%`, background: INCOMING_COLORS[k] ?? '#888', display: 'inline-block' } }))),
            sc.relations.filter((k) => (x.incoming[k] ?? 0) > 0).map((k) => `${k} ${pct(x.incoming[k])}`).join(', ') || '—'),
          share(x.english_only, 'english_only', 'languages == ["English"]'),
          share(x.has_card, 'has_card', `${fmt(x.with_card)} of ${fmt(x.models)} models have a card`),
          x.with_card ? share(x.auto_generated, 'auto_generated', 'of the models with a card') : h('td', { class: 'muted' }, '—'),
          x.card_chars_mean !== null ? h('td', { class: 'rate', 'data-col': 'card_chars' }, h('div', { class: 'rate-bar' }, h('i', { style: { width: `${(100 * x.card_chars_mean) / sc.maxChars}%` } })), fmt(Math.round(x.card_chars_mean))) : h('td', { class: 'muted' }, '—')))))));
  }

  // ---- diff ---------------------------------------------------------------------------------
  private async diff(page: HTMLElement, seq: number) {
    const s = this.s;
    let a = s.a ?? '', b = s.b ?? '';
    let prefilled = false;
    if (!s.a && !s.b && this.app.details) {
      const d = this.app.details;
      const p = firstParent(d.parents);
      if (p) { a = p; b = d.id; prefilled = true; } else a = d.id;
    }
    const ia = h('input', { type: 'search', id: 'diff-a', value: a, placeholder: 'model A (e.g. the parent)', 'aria-label': 'Model A', size: 34 });
    const ib = h('input', { type: 'search', id: 'diff-b', value: b, placeholder: 'model B (e.g. the child)', 'aria-label': 'Model B', size: 34 });
    const go = () => {
      const x = ia.value.trim(), y = ib.value.trim();
      if (x && y) this.update({ a: x, b: y }, true);
    };
    for (const i of [ia, ib]) i.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    const art = h('select', { id: 'diff-artifact', 'aria-label': 'Artifact', onchange: (e: Event) => this.update({ artifact: (e.target as HTMLSelectElement).value as Artifact, a: ia.value.trim() || undefined, b: ib.value.trim() || undefined }) },
      h('option', { value: 'metadata', selected: s.artifact === 'metadata' }, 'metadata string'),
      h('option', { value: 'card', selected: s.artifact === 'card' }, 'model card'));
    const out = h('div', { class: 'chart-card diff-card', id: 'diff-out' });
    clear(page,
      h('div', { class: 'sci-controls' }, h('label', {}, 'A ', ia),
        h('button', { title: 'Swap A and B', 'aria-label': 'Swap A and B', onclick: () => { const t = ia.value; ia.value = ib.value; ib.value = t; go(); } }, '⇄'),
        h('label', {}, 'B ', ib), h('label', {}, 'artifact ', art),
        this.check('strip ids', s.stripIds, (v) => this.update({ stripIds: v, a: ia.value.trim() || undefined, b: ib.value.trim() || undefined })),
        this.check('no front matter', s.noFrontmatter, (v) => this.update({ noFrontmatter: v, a: ia.value.trim() || undefined, b: ib.value.trim() || undefined })),
        h('button', { id: 'diff-go', class: 'btn', onclick: go }, 'Compare')),
      out);
    if (!a || !b) {
      clear(out, h('div', { class: 'hint' }, this.app.details ? `${this.app.details.id} has no parent in this map: type a second model id.` : 'Select a model (search above, or click one on the map) to compare it with its first parent, or type two model ids.'));
      return;
    }
    if (prefilled) out.append(h('div', { class: 'muted small' }, `the selected model and its first parent`));
    const body = h('div', {}, spinner(`Aligning ${a} and ${b}…`));
    out.append(body);
    const q = new URLSearchParams({ a, b, artifact: s.artifact });
    if (s.stripIds) q.set('strip_ids', 'true');
    if (s.noFrontmatter) q.set('no_frontmatter', 'true');
    let r: DiffAnswer;
    try { r = await this.cache.get<DiffAnswer>(`/api/analyze/diff?${q}`); } catch (e) {
      if (seq === this.seq) clear(body, errorBox(e, 'Diff unavailable'));
      return;
    }
    if (seq !== this.seq) return;
    const sum = diffSummary(r.segments);
    const strip = diffStrip(r.segments);
    const cols = strip.length ? strip[strip.length - 1].start + strip[strip.length - 1].len : 1;
    const OPS = ['equal', 'replace', 'delete', 'insert'] as const;
    const opTitle = { equal: 'equal', replace: 'replaced', delete: 'deleted (only in A)', insert: 'inserted (only in B)' };
    clear(body,
      h('div', { class: 'drift-stats' },
        h('div', { class: 'stat' }, h('span', {}, 'A'), h('b', {}, this.modelLink(r.a), ` · ${fmt(r.a_chars)} chars`)),
        h('div', { class: 'stat' }, h('span', {}, 'B'), h('b', {}, this.modelLink(r.b), ` · ${fmt(r.b_chars)} chars`)),
        h('div', { class: 'stat' }, h('span', {}, 'edit distance'), h('b', { id: 'diff-distance' }, fmt(r.distance))),
        h('div', { class: 'stat' }, h('span', {}, 'similarity'), h('b', {}, num(r.similarity)))),
      r.truncated ? h('div', { class: 'notice warn' }, 'The texts were cut to their first characters (max_chars); the alignment covers only that part.') : null,
      h('div', { class: 'diff-legend' }, OPS.map((op) => h('span', { class: 'seg-' + op }, `${opTitle[op]}: ${fmt(sum.segments[op])} segments, ${fmt(sum.chars[op])} chars`))),
      h('div', { class: 'dna', role: 'img', 'aria-label': 'alignment strip' }, strip.map((x) => h('i', { class: 'seg-' + x.op, style: { left: `${(100 * x.start) / cols}%`, width: `${Math.max(0.15, (100 * x.len) / cols)}%` } }))),
      h('pre', { class: 'diff-text', id: 'diff-text' }, r.segments.map((x) => {
        if (x.op === 'equal') return h('span', { class: 'dseg seg-equal', 'data-op': 'equal' }, x.a);
        if (x.op === 'delete') return h('del', { class: 'dseg seg-delete', 'data-op': 'delete', title: 'only in A' }, x.a);
        if (x.op === 'insert') return h('ins', { class: 'dseg seg-insert', 'data-op': 'insert', title: 'only in B' }, x.b);
        return h('span', { class: 'dseg seg-replace', 'data-op': 'replace', title: `A “${x.a}” → B “${x.b}”` }, h('del', {}, x.a), h('ins', {}, x.b));
      })));
  }
}

// ---- charts ---------------------------------------------------------------------------------------
function simTable(groups: SimGroup[]) {
  return h('table', { class: 'data compact' },
    h('thead', {}, h('tr', {}, ['group', 'pattern', 'config', 'relation', 'hops', 'instances', 'pairs', 'mean', '95% CI'].map((t) => h('th', {}, t)))),
    h('tbody', {}, groups.flatMap((g) => g.bars.map((b) => h('tr', {},
      h('td', {}, g.label), h('td', {}, b.pattern), h('td', {}, String(b.config)), h('td', {}, b.relation), h('td', {}, b.hops === null ? '—' : String(b.hops)),
      h('td', { class: 'num' }, fmt(b.instances)), h('td', { class: 'num' }, fmt(b.pairs)),
      h('td', { class: 'num' }, b.est ? num(b.est.mean) : '—'), h('td', { class: 'num' }, b.est ? `${num(b.est.ci_low)} – ${num(b.est.ci_high)}` : '—'))))));
}

function drawSimilarity(el: HTMLElement, groups: SimGroup[], opt: { width: number; measure: string }) {
  const M = { top: 34, right: 12, bottom: 78, left: 50 };
  const W = opt.width, H = 380, iw = W - M.left - M.right, ih = H - M.top - M.bottom;
  const nBars = groups.reduce((s, g) => s + g.bars.length, 0);
  const gapU = 1.4, units = nBars + gapU * Math.max(0, groups.length - 1);
  const u = iw / Math.max(1, units), bw = u * 0.72;
  const svg = select(el).html('').append('svg').attr('width', W).attr('height', H).attr('class', 'chart sim')
    .attr('role', 'img').attr('aria-label', `mean ${opt.measure} similarity by relation and generation gap`);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const y = scaleLinear().domain([0, 1]).range([ih, 0]);
  g.append('g').attr('class', 'axis grid').call(axisLeft(y).ticks(5).tickSize(-iw)).call((a) => a.select('.domain').remove());
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', -ih / 2).attr('y', -38).attr('text-anchor', 'middle').text(`mean ${opt.measure} similarity`);
  let cursor = 0;
  groups.forEach((grp, gi) => {
    const x0 = cursor * u;
    const gw = grp.bars.length * u;
    g.append('rect').attr('class', 'group-band' + (gi % 2 ? ' odd' : '')).attr('x', x0 - u * 0.2).attr('y', -26).attr('width', gw + u * 0.4 - u * 0.28).attr('height', ih + 26);
    g.append('text').attr('class', 'group-label').attr('x', x0 + (gw - u * 0.28) / 2).attr('y', -12).attr('text-anchor', 'middle')
      .text(gw > 120 ? grp.label : grp.label.split(' · ')[0]).append('title').text(grp.label);
    grp.bars.forEach((b, bi) => {
      const x = (cursor + bi) * u;
      const col = RELATION_COLORS[b.relation] ?? '#888';
      const bar = g.append('g').attr('class', 'sim-item').attr('data-key', b.key);
      const tip = `${b.key} ${b.relation} (gap ${b.gap ?? '—'}, ${b.hops ?? '—'} hops): ` +
        (b.est ? `${b.est.mean.toFixed(3)} [${b.est.ci_low.toFixed(3)}, ${b.est.ci_high.toFixed(3)}]` : 'no valid pair') + ` · ${b.pairs.toLocaleString()} pairs of ${b.instances.toLocaleString()} instances`;
      if (b.est) {
        bar.append('rect').attr('class', 'sim-bar').attr('x', x).attr('width', bw).attr('y', y(b.est.mean)).attr('height', ih - y(b.est.mean)).attr('fill', col).append('title').text(tip);
        const cx = x + bw / 2, cap = Math.min(6, bw / 3);
        bar.append('path').attr('class', 'ci').attr('d', `M${cx},${y(b.est.ci_low)}V${y(b.est.ci_high)}M${cx - cap},${y(b.est.ci_low)}H${cx + cap}M${cx - cap},${y(b.est.ci_high)}H${cx + cap}`);
      } else {
        bar.append('text').attr('class', 'na').attr('x', x + bw / 2).attr('y', ih - 4).attr('text-anchor', 'middle').text('n/a').append('title').text(tip);
      }
      bar.append('text').attr('class', 'bar-label').attr('transform', `translate(${x + bw / 2},${ih + 8}) rotate(-55)`).attr('text-anchor', 'end').text(b.key);
    });
    cursor += grp.bars.length + gapU;
  });
  const rnd = groups.find((x) => x.gap === null)?.bars[0]?.est;
  if (rnd) {
    g.append('line').attr('class', 'ref').attr('x1', 0).attr('x2', iw - u * 0.28).attr('y1', y(rnd.mean)).attr('y2', y(rnd.mean));
  }
}

function drawArcs(el: HTMLElement, lay: ReturnType<typeof arcLayout>, s: ScienceState, onPick: (a: Arc) => void) {
  const LABELS = 120;  // room for the rotated value labels under the arcs
  const svg = select(el).html('').append('svg').attr('width', lay.width).attr('height', lay.height + LABELS).attr('class', 'chart arcs')
    .attr('role', 'img').attr('aria-label', `${s.trait} drift graph in the ${s.order} order`);
  const g = svg.append('g').attr('transform', `translate(0,${lay.baseline})`);
  g.append('line').attr('class', 'baseline').attr('x1', lay.nodes[0].x).attr('x2', lay.nodes[lay.nodes.length - 1].x).attr('y1', 0).attr('y2', 0);
  g.selectAll('path.arc').data(lay.arcs).join('path')
    .attr('class', (a) => `arc ${a.forward ? 'fwd' : 'back'}${a.from === s.from && a.to === s.to ? ' on' : ''}`)
    .attr('d', (a) => a.d).attr('stroke-width', (a) => a.width)
    .attr('data-from', (a) => a.from).attr('data-to', (a) => a.to).attr('tabindex', '0')
    .on('click', (_e, a) => onPick(a))
    .on('keydown', (e: KeyboardEvent, a) => { if (e.key === 'Enter') onPick(a); })
    .append('title').text((a) => `${a.from} → ${a.to}: net ${a.net} (${a.weight} this way, ${a.reverse} back)${a.forward ? '' : ' — against the order'}. Click for the pairs.`);
  const node = g.selectAll('g.node').data(lay.nodes).join('g').attr('class', 'node').attr('data-value', (n) => n.value).attr('data-rank', (n) => n.rank).attr('transform', (n) => `translate(${n.x},0)`);
  node.append('circle').attr('r', (n) => n.r).append('title').text((n) => `#${n.rank} ${n.value}: ${n.models.toLocaleString()} models`);
  const below = lay.height - lay.baseline;
  node.append('text').attr('class', 'node-label').attr('transform', `translate(4,${Math.max(16, below)}) rotate(-45)`).attr('text-anchor', 'end')
    .text((n) => `${n.value.length > 24 ? n.value.slice(0, 23) + '…' : n.value} ·${n.rank}`).append('title').text((n) => `#${n.rank} ${n.value}: ${n.models.toLocaleString()} models`);
}
