// The details panel: every field of /api/model/{id}, chips, arXiv and Hub
// links, lineage path, children by relation, similar models, the card on demand.
import type { App } from '../app';
import { EDGE_COLORS } from '../app';
import { getJSON, enc, fmt, type ModelDetails, type Brief, ApiError } from '../api';
import { h, clear, spinner, errorBox } from '../dom';
import { renderMarkdown } from '../markdown';

interface PathAnswer { id: string; depth: number; root: string; path: (Brief & { generation: number; via: string | null })[]; hops: number; ends_at_root: boolean }
interface SimilarAnswer { neighbors: (Brief & { similarity: number })[] }

export class DetailsPanel {
  constructor(private app: App, private root: HTMLElement) {}

  empty() { clear(this.root, h('div', { class: 'hint' }, 'Click a point, or search for a model, to see its details.')); }
  loading(id: string) { clear(this.root, h('h2', { class: 'model-id' }, id), spinner('Loading details…')); }
  error(id: string, e: unknown) {
    clear(this.root, h('h2', { class: 'model-id' }, id), errorBox(e, e instanceof ApiError && e.status === 404 ? 'Not in this map' : 'Could not load'));
  }

  private link(id: string, inMap = true) {
    if (!inMap) return h('span', { class: 'muted', title: 'not in this map' }, id);
    return h('a', { href: `/map?model=${encodeURIComponent(id)}`, class: 'model-link', onclick: (e: MouseEvent) => { e.preventDefault(); this.app.selectModel(id, { fly: true }); } }, id);
  }

  show(d: ModelDetails) {
    const chips = (xs: string[], cls = '') => xs.length ? h('div', { class: 'chips' }, xs.map((t) => h('span', { class: 'chip ' + cls }, t))) : h('span', { class: 'muted' }, 'none');
    const parents = Object.entries(d.parents ?? {}).flatMap(([rel, ps]) => (ps ?? []).map((p) => ({ rel, ...p })));
    const children = Object.entries(d.children ?? {}).filter(([k, v]) => k !== 'total' && v > 0);
    const pathBox = h('div', { class: 'path' }, spinner('lineage…'));
    const simBox = h('div', { class: 'similar' }, spinner('similar models…'));
    const cardBox = h('div', { class: 'card-box' });
    const cardBtn = h('button', { id: 'load-card', onclick: () => this.loadCard(d, cardBox, cardBtn) }, d.card?.has_card ? `Show the model card (${fmt(d.card.words)} words${d.card.text_available ? '' : '; text not in this map'})` : 'Show the model card (none declared)');
    const row = (k: string, v: Node | string) => [h('dt', {}, k), h('dd', {}, v)];
    clear(this.root,
      h('div', { class: 'panel-head' },
        h('h2', { class: 'model-id', id: 'details-id' }, d.id),
        h('button', { class: 'icon', title: 'Close', 'aria-label': 'Close details', onclick: () => this.app.clearModel() }, '×')),
      h('div', { class: 'links' },
        h('a', { href: d.hub_url, target: '_blank', rel: 'noopener noreferrer', class: 'btn' }, 'Open on the Hub ↗'),
        h('button', { onclick: () => this.app.setView('family') }, 'Family tree'),
        h('button', { onclick: () => this.app.setView('network') }, 'Network'),
        h('button', { onclick: () => this.app.setView('3d') }, 'In 3D')),
      h('dl', { class: 'facts' },
        row('author', d.author ?? '—'),
        row('library', d.library ?? '—'),
        row('pipeline', d.pipeline ?? '—'),
        row('downloads', fmt(d.downloads)),
        row('likes', fmt(d.likes)),
        row('trending', fmt(d.trending)),
        row('created', d.created_at ? d.created_at.slice(0, 10) : '—'),
        row('private', d.private === null ? '—' : d.private ? 'yes' : 'no'),
        row('depth', `${d.depth} (root ${d.root})`),
        row('family', h('span', {}, `${fmt(d.family?.size)} models, root `, this.link(d.family?.root ?? d.root))),
        row('cluster', `${d.cluster?.id}: ${d.cluster?.label ?? ''}`),
        row('regions', d.regions?.length ? d.regions.join(', ') : '—'),
        row('card', d.card?.has_card ? `${fmt(d.card.words)} words, ${fmt(d.card.chars)} chars${d.card.auto_generated ? ', auto-generated' : ''}${d.card.front_matter ? ', front matter' : ''}` : 'none'),
        row('row', String(d.row))),
      h('h3', {}, 'Licenses'), chips(d.licenses ?? [], 'license'),
      h('h3', {}, 'Languages'), chips(d.languages ?? []),
      h('h3', {}, 'Datasets'), chips(d.datasets ?? []),
      h('h3', {}, 'Tags'), chips(d.tags ?? []),
      h('h3', {}, 'Papers'), d.arxiv?.length ? h('div', { class: 'chips' }, d.arxiv.map((a) => h('a', { class: 'chip arxiv', href: a.url, target: '_blank', rel: 'noopener noreferrer' }, `arXiv:${a.id}`))) : h('span', { class: 'muted' }, 'none'),
      h('h3', {}, 'Parents'),
      parents.length ? h('ul', { class: 'rel-list' }, parents.map((p) => h('li', {}, h('span', { class: 'edge-tag', style: { background: EDGE_COLORS[p.rel] ?? '#888' } }, p.rel), ' ', this.link(p.id, p.in_map)))) : h('span', { class: 'muted' }, 'none declared (a base model)'),
      h('h3', {}, `Children (${fmt(d.children?.total ?? 0)})`),
      children.length ? h('ul', { class: 'rel-list' }, children.map(([k, v]) => h('li', {}, h('span', { class: 'edge-tag', style: { background: EDGE_COLORS[k] ?? '#888' } }, k), ` ${fmt(v)}`))) : h('span', { class: 'muted' }, 'none'),
      h('h3', {}, 'Lineage to the root'), pathBox,
      h('h3', {}, 'Similar models'), simBox,
      h('h3', {}, 'Model card'), cardBtn, cardBox,
    );
    this.loadPath(d, pathBox);
    this.loadSimilar(d, simBox);
  }

  private async loadPath(d: ModelDetails, box: HTMLElement) {
    try {
      const p = await getJSON<PathAnswer>(`/api/model/${enc(d.id)}/path`);
      if (p.path.length <= 1) { clear(box, h('span', { class: 'muted' }, 'this model is a root')); return; }
      clear(box, h('ol', { class: 'lineage' }, p.path.map((m) => h('li', {},
        m.via ? h('span', { class: 'edge-tag', style: { background: EDGE_COLORS[m.via] ?? '#888' } }, m.via) : null, ' ',
        m.id === d.id ? h('b', {}, m.id) : this.link(m.id)))),
        !p.ends_at_root ? h('div', { class: 'muted' }, 'the chain stops at a parent outside the map') : null);
    } catch (e) { clear(box, h('span', { class: 'muted' }, (e as Error).message)); }
  }

  private async loadSimilar(d: ModelDetails, box: HTMLElement) {
    try {
      const s = await getJSON<SimilarAnswer>(`/api/model/${enc(d.id)}/similar?k=10`);
      clear(box, s.neighbors.length ? h('ol', { class: 'sim-list' }, s.neighbors.map((m) => h('li', {}, this.link(m.id), h('span', { class: 'muted' }, ` ${(m.similarity * 100).toFixed(0)}%`)))) : h('span', { class: 'muted' }, 'none'));
    } catch (e) { clear(box, h('span', { class: 'muted' }, (e as Error).message)); }
  }

  private async loadCard(d: ModelDetails, box: HTMLElement, btn: HTMLButtonElement) {
    btn.disabled = true;
    clear(box, spinner('Loading the card…'));
    try {
      const c = await getJSON<{ text: string; chars: number }>(`/api/model/${enc(d.id)}/card`);
      const div = h('div', { class: 'card-md' });
      div.innerHTML = renderMarkdown(c.text);
      clear(box, div);
      btn.hidden = true;
    } catch (e) {
      clear(box, h('div', { class: 'notice', id: 'card-missing' }, e instanceof ApiError ? `${e.title}: ${e.detail}` : (e as Error).message));
      btn.disabled = false;
    }
  }
}
