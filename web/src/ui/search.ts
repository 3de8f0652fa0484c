// The search box: an ARIA combobox over /api/search (ids with typo
// tolerance, semantic matches for free text).  Arrow keys move, Enter picks,
// Escape closes; "/" anywhere focuses it.
import type { App } from '../app';
import { getJSON, fmtShort, type Brief } from '../api';
import { h, clear, debounce } from '../dom';

interface Hit { model: Brief; match: string; similarity?: number }
interface SearchAnswer { results: Hit[]; truncated: boolean; known_words?: number }

export class SearchBox {
  private input: HTMLInputElement;
  private list: HTMLUListElement;
  private hits: Hit[] = [];
  private active = -1;
  private abort: AbortController | null = null;

  constructor(private app: App, root: HTMLElement) {
    this.input = h('input', {
      id: 'search', type: 'search', placeholder: 'Search models: id or words  ( / )', autocomplete: 'off', spellcheck: false,
      role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'search-list', 'aria-autocomplete': 'list', 'aria-label': 'Search models',
    });
    this.list = h('ul', { id: 'search-list', role: 'listbox', class: 'search-list', hidden: true });
    root.append(h('div', { class: 'search' }, this.input, this.list));
    this.input.addEventListener('input', () => this.query());
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('focus', () => { if (this.hits.length) this.open(); });
  }

  private query = debounce(async () => {
    const q = this.input.value.trim();
    this.abort?.abort();
    if (!q) { this.hits = []; this.close(); return; }
    const ac = new AbortController();
    this.abort = ac;
    clear(this.list, h('li', { class: 'muted', role: 'presentation' }, 'searching…'));
    this.open();
    try {
      const r = await getJSON<SearchAnswer>(`/api/search?q=${encodeURIComponent(q)}&limit=12`, ac.signal);
      this.hits = r.results;
      this.active = this.hits.length ? 0 : -1;
      this.render(r);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      clear(this.list, h('li', { class: 'error', role: 'presentation' }, (e as Error).message));
    }
  }, 120);

  private render(r?: SearchAnswer) {
    if (!this.hits.length) {
      clear(this.list, h('li', { class: 'muted', role: 'presentation' }, r && r.known_words === 0 ? 'no model matches, and no known words for a semantic search' : 'no model matches'));
      return;
    }
    clear(this.list, this.hits.map((hit, i) => h('li', {
      role: 'option', id: `search-opt-${i}`, 'aria-selected': String(i === this.active), class: i === this.active ? 'active' : '',
      onmousedown: (e: MouseEvent) => { e.preventDefault(); this.choose(i); },
    }, h('span', { class: 'sid' }, hit.model.id),
      h('span', { class: 'smeta' }, `${hit.match === 'semantic' ? `semantic ${((hit.similarity ?? 0) * 100).toFixed(0)}%` : hit.match} · ${fmtShort(hit.model.downloads)} ↓`))));
    this.input.setAttribute('aria-activedescendant', this.active >= 0 ? `search-opt-${this.active}` : '');
  }

  private key(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.hits.length) return;
      e.preventDefault();
      this.open();
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : -1) + this.hits.length) % this.hits.length;
      this.render();
      document.getElementById(`search-opt-${this.active}`)?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.hits.length) this.choose(Math.max(0, this.active));
    } else if (e.key === 'Escape') {
      this.close();
      this.input.blur();
    }
  }

  private choose(i: number) {
    const hit = this.hits[i];
    if (!hit) return;
    this.close();
    this.input.value = hit.model.id;
    if (this.app.state.view !== 'map' && this.app.state.view !== 'family' && this.app.state.view !== 'network' && this.app.state.view !== '3d') this.app.setView('map');
    this.app.selectModel(hit.model.id, { fly: true });
  }

  private open() { this.list.hidden = false; this.input.setAttribute('aria-expanded', 'true'); }
  private close() { this.list.hidden = true; this.input.setAttribute('aria-expanded', 'false'); }
}
