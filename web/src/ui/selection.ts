// The lasso selection: how many, the first rows (by /api/rows), and export
// of the whole selection through POST /api/export (ids, CSV or JSON).
import type { App } from '../app';
import { rows, fmt, fmtShort, postForBlob } from '../api';
import { h, clear, spinner } from '../dom';

const LIST = 100;
const EXPORT_MAX = 100000;

export class SelectionPanel {
  constructor(private app: App, private root: HTMLElement) {}

  hide() { clear(this.root); }

  async show(sel: Uint32Array, _poly: number[]) {
    const list = h('ol', { class: 'sel-list' });
    const status = h('div', { class: 'muted' });
    clear(this.root, h('div', { class: 'selection-box', id: 'selection-box' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Selection'),
        h('button', { class: 'icon', title: 'Clear the selection (Esc)', 'aria-label': 'Clear selection', onclick: () => this.app.clearSelection(true) }, '×')),
      h('div', { class: 'sel-count', id: 'sel-count', 'data-count': String(sel.length) }, `${fmt(sel.length)} models selected`),
      h('div', { class: 'links' },
        h('button', { onclick: () => this.export(sel, 'csv', status), disabled: !sel.length }, 'Export CSV'),
        h('button', { onclick: () => this.export(sel, 'json', status), disabled: !sel.length }, 'Export JSON'),
        h('button', { onclick: () => this.zoom(sel), disabled: !sel.length }, 'Zoom to')),
      status, list));
    if (!sel.length) return;
    clear(list, spinner());
    try {
      // The most downloaded first: sort the selection by the downloads code.
      // A histogram of the byte codes finds the top rows without sorting the whole selection.
      const dl = this.app.pts.columns.downloads;
      let top: number[];
      if (dl) {
        const hist = new Uint32Array(256);
        for (const i of sel) hist[dl[i]]++;
        let cut = 255, acc = 0;
        while (cut > 0 && acc + hist[cut] < LIST) acc += hist[cut--];
        top = [];
        const at: number[] = [];
        for (const i of sel) {
          if (dl[i] > cut) top.push(i);
          else if (dl[i] === cut && at.length < LIST) at.push(i);
        }
        top.sort((a, b) => dl[b] - dl[a]);
        top.push(...at);
      } else top = Array.from(sel.subarray(0, LIST));
      const briefs = await rows(top.slice(0, LIST));
      clear(list, briefs.map((m) => h('li', {}, h('a', { href: `/map?model=${encodeURIComponent(m.id)}`, onclick: (e: MouseEvent) => { e.preventDefault(); this.app.selectModel(m.id, { fly: false }); } }, m.id),
        h('span', { class: 'muted' }, ` ${fmtShort(m.downloads)} ↓`))),
        sel.length > LIST ? h('li', { class: 'muted' }, `… and ${fmt(sel.length - LIST)} more (export to get them all)`) : null);
    } catch (e) { clear(list, h('li', { class: 'error' }, (e as Error).message)); }
  }

  private zoom(sel: Uint32Array) {
    const c = this.app.pts.coords;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const i of sel) { x0 = Math.min(x0, c[2 * i]); x1 = Math.max(x1, c[2 * i]); y0 = Math.min(y0, c[2 * i + 1]); y1 = Math.max(y1, c[2 * i + 1]); }
    const r = this.app.renderer;
    const span = Math.max(x1 - x0, y1 - y0, r.dataSpan / 5000);
    this.app.flyTo({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, zoom: Math.min(20000, (r.dataSpan / span) * 0.85) });
  }

  // The export takes ids; the selection is rows, so ids come from /api/rows
  // in pages of 1,000 (an export by rows would save this step: see the report).
  private async export(sel: Uint32Array, format: 'csv' | 'json', status: HTMLElement) {
    const n = Math.min(sel.length, EXPORT_MAX);
    try {
      const ids: string[] = [];
      for (let k = 0; k < n; k += 1000) {
        status.textContent = `collecting ids ${fmt(k)} / ${fmt(n)}…`;
        const b = await rows(Array.from(sel.subarray(k, Math.min(n, k + 1000))));
        for (const m of b) ids.push(m.id);
      }
      status.textContent = 'exporting…';
      const blob = await postForBlob('/api/export', { ids, format });
      const a = h('a', { href: URL.createObjectURL(blob), download: `hfviz-selection.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      status.textContent = `exported ${fmt(ids.length)} models${sel.length > EXPORT_MAX ? ` (the first ${fmt(EXPORT_MAX)})` : ''}`;
    } catch (e) { status.textContent = `export failed: ${(e as Error).message}`; }
  }
}
