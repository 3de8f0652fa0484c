// The live model counter in the header: the newest snapshot of the model-count
// database (/api/model-count/latest), its age and the daily growth
// (/api/model-count/growth), refreshed every minute while the tab is visible.
// Without a database, or before the first snapshot, nothing is shown at all.
import { ApiError, getJSON } from '../api';
import { h, clear } from '../dom';
import { counterView, fmtInt, type Latest, type GrowthAnswer } from '../growth';

export const COUNTER_REFRESH_MS = 60_000;
// A snapshot's identity: ids are never reused (AUTOINCREMENT), but the server may be
// restarted on another database file, so the source, time and total count too.
const snapKey = (l: Latest) => `${l.id}|${l.source}|${l.taken_at}|${l.total}`;

export class ModelCounter {
  readonly el: HTMLAnchorElement;
  latest: Latest | null = null;
  private growth: GrowthAnswer | null = null;
  private growthOf = '';        // the snapshot the growth answer belongs to (snapKey)
  private fetchedAt = 0;        // performance.now() when `latest` came
  private lastTry = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  private stopped = false;

  // onOpen: a click (the growth page); onNew: a snapshot newer than the one shown.
  constructor(private onOpen: () => void, private onNew: (l: Latest) => void) {
    this.el = h('a', {
      id: 'model-counter', class: 'model-counter', href: '/growth', hidden: true,
      onclick: (e: MouseEvent) => { if (e.ctrlKey || e.metaKey || e.shiftKey) return; e.preventDefault(); this.onOpen(); },
    });
  }

  start() {
    void this.refresh();
    this.timer = setInterval(() => { if (!document.hidden) void this.refresh(); }, COUNTER_REFRESH_MS);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !this.stopped && performance.now() - this.lastTry >= COUNTER_REFRESH_MS) void this.refresh();
    });
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private hide() {
    this.latest = null;
    this.el.hidden = true;
    clear(this.el);
    delete this.el.dataset.total;
    window.__hfviz.counter = null;
  }

  async refresh() {
    if (this.busy || this.stopped) return;
    this.busy = true;
    this.lastTry = performance.now();
    try {
      let l: Latest;
      try {
        l = await getJSON<Latest>('/api/model-count/latest');
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          // No database: the server needs restarting with --db, so stop asking.
          // No snapshot yet: the tracker may store one, so keep asking.
          if (/no model-count database/i.test(e.title)) this.stop();
          this.hide();
        }
        // A network error or a 5xx: keep what is shown (its age keeps counting).
        else if (this.latest) this.render();
        return;
      }
      const isNew = this.latest !== null && snapKey(l) !== snapKey(this.latest);
      this.latest = l;
      this.fetchedAt = performance.now();
      if (this.growthOf !== snapKey(l)) {
        try {
          this.growth = await getJSON<GrowthAnswer>(`/api/model-count/growth?source=${l.source}&top=1`);
        } catch {
          this.growth = null;   // 409: fewer than two snapshots; the counter shows no rate
        }
        this.growthOf = snapKey(l);
      }
      this.render();
      if (isNew) this.onNew(l);
    } finally {
      this.busy = false;
    }
  }

  private render() {
    const l = this.latest;
    if (!l) return;
    const age = l.age_seconds + (performance.now() - this.fetchedAt) / 1000;
    const v = counterView(l, this.growth && this.growth.source === l.source ? this.growth : null, age);
    clear(this.el,
      h('span', { class: 'mc-main' }, h('b', { class: 'mc-total' }, fmtInt(v.total)), ' models',
        v.growth ? h('span', { class: 'mc-rate' }, ' · ' + v.growth) : null),
      h('span', { class: 'mc-sub' }, v.lead, v.age ? h('span', { class: 'mc-age' }, ' · ' + v.age) : null));
    this.el.title = v.title;
    this.el.dataset.total = String(l.total);
    this.el.dataset.source = l.source;
    this.el.hidden = false;
    window.__hfviz.counter = { id: l.id, total: l.total, source: l.source, taken_at: l.taken_at, growth: v.growth };
  }
}
