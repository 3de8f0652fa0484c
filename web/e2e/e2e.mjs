// End-to-end checks of the web explorer in Debian's Chromium (playwright-core),
// against a running `hfviz serve MAP --web web/dist` of the demo map.
//   node e2e/e2e.mjs BASE_URL ARTIFACT_DIR
// Prints one "ok - ..." / "not ok - ..." line per check, then "N passed, M failed";
// exits 1 when any check failed.  Screenshots go to ARTIFACT_DIR.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.argv[2] ?? 'http://127.0.0.1:8000';
const OUT = process.argv[3] ?? 'build/web-artifacts';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(OUT, { recursive: true });

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

let passed = 0, failed = 0;
const results = [];
async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t} ms)`);
    results.push({ name, ok: true });
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
    results.push({ name, ok: false, error: String(e) });
  }
}
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };
const api = async (path) => { const r = await fetch(BASE + path); if (!r.ok) throw new Error(`${path}: ${r.status}`); return r.json(); };

// Reads the map canvas back and counts drawn pixels (the canvas is transparent
// where nothing is drawn) and distinct colours; returns a drawn pixel near the centre.
const canvasPixels = (selector) => (sel) => {
  const c = document.querySelector(sel);
  if (!c || !c.width) return { drawn: 0, colors: 0, w: 0, h: 0 };
  const t = document.createElement('canvas');
  t.width = c.width; t.height = c.height;
  const g = t.getContext('2d');
  g.drawImage(c, 0, 0);
  const d = g.getImageData(0, 0, t.width, t.height).data;
  let drawn = 0, strong = 0;
  const colors = new Set();
  let best = null, bestD = Infinity;
  const dpr = window.devicePixelRatio || 1;
  for (let y = 0; y < t.height; y++) for (let x = 0; x < t.width; x++) {
    const o = (y * t.width + x) * 4;
    if (d[o + 3] > 0) {
      drawn++;
      if (d[o + 3] > 150) {
        strong++;
        colors.add((d[o] >> 4) * 256 + (d[o + 1] >> 4) * 16 + (d[o + 2] >> 4));
        const dd = (x - t.width / 2) ** 2 + (y - t.height / 2) ** 2;
        if (dd < bestD) { bestD = dd; best = [x / dpr, y / dpr]; }
      }
    }
  }
  return { drawn, strong, colors: colors.size, w: t.width, h: t.height, near: best };
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(20000);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push('console: ' + m.text()); });
const shot = (name) => page.screenshot({ path: join(OUT, name + '.png') });
const ready = () => page.waitForFunction(() => window.__hfviz && (window.__hfviz.ready || window.__hfviz.error), null, { timeout: 30000 });

const stats = await api('/api/stats');

await check('the map loads and draws every point (canvas pixels)', async () => {
  await page.goto(BASE + '/');
  await ready();
  const err = await page.evaluate(() => window.__hfviz.error);
  assert(!err, `app error: ${err}`);
  const info = await page.evaluate(() => ({ n: window.__hfviz.points, ff: window.__hfviz.firstFrame }));
  assert(info.n === stats.models, `points ${info.n} != models ${stats.models}`);
  await page.waitForTimeout(300);
  const px = await page.evaluate(canvasPixels(), '#map');
  assert(px.strong > 2000, `only ${px.strong} strongly drawn pixels`);
  assert(px.colors >= 8, `only ${px.colors} distinct colours (colour by cluster should give many)`);
  assert(await page.locator('.legend-item').count() >= 5, 'legend has fewer than 5 entries');
  assert(await page.locator('.labels .label').count() >= 3, 'fewer than 3 cluster labels');
  await shot('01-map');
});

await check('hovering a point shows its tooltip (picked through the grid index)', async () => {
  const px = await page.evaluate(canvasPixels(), '#map');
  assert(px.near, 'no drawn pixel to hover');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + px.near[0] - 3, box.y + px.near[1] - 3);
  await page.mouse.move(box.x + px.near[0], box.y + px.near[1]);
  await page.waitForFunction(() => { const t = document.querySelector('#tooltip'); return t && !t.hidden && /downloads/.test(t.textContent); }, null, { timeout: 15000 });
  const text = await page.locator('#tooltip').textContent();
  assert(/library/.test(text) && /likes/.test(text), 'tooltip lacks fields: ' + text);
  await shot('02-tooltip');
  await page.mouse.move(box.x + 5, box.y + box.height - 5);
});

await check('search finds google/gemma-7b (keyboard) and opens its details', async () => {
  await page.locator('#search').click();
  await page.keyboard.type('gemma-7b');
  await page.waitForSelector('#search-list li[role=option]', { timeout: 15000 });
  const first = await page.locator('#search-list li[role=option]').first().textContent();
  assert(first.includes('google/gemma-7b'), 'first hit is ' + first);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#details-id')?.textContent === 'google/gemma-7b', null, { timeout: 15000 });
  const hub = await page.locator('a', { hasText: 'Open on the Hub' }).getAttribute('href');
  assert(hub === 'https://huggingface.co/google/gemma-7b', 'hub link ' + hub);
  assert(await page.locator('.chip.arxiv').count() > 0, 'no arXiv links');
  assert(/model=google%2Fgemma-7b/.test(page.url()), 'URL lacks the model: ' + page.url());
  await page.waitForTimeout(900);
  await page.waitForSelector('.similar li', { timeout: 15000 });
  await page.click('#load-card');
  await page.waitForSelector('#card-missing', { timeout: 15000 });
  const card = await page.locator('#card-missing').textContent();
  assert(/no card/.test(card), 'card notice: ' + card);
  await shot('03-search-details');
  // History: back closes the details, forward opens them again.
  await page.goBack();
  await page.waitForSelector('#details .hint', { timeout: 15000 });
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('#details-id')?.textContent === 'google/gemma-7b', null, { timeout: 15000 });
});

// A model with a parent and children: a child of gemma-7b that has children itself.
const fam = await api('/api/model/google/gemma-7b/family?limit=5000');
const parents = new Set(fam.edges.map((e) => e.parent));
const mid = fam.edges.find((e) => e.parent === 'google/gemma-7b' && parents.has(e.child))?.child;
await check(`the family view shows the parent and children of ${mid}`, async () => {
  assert(mid, 'no model with both a parent and children in the demo');
  const kids = fam.edges.filter((e) => e.parent === mid).map((e) => e.child);
  await page.goto(`${BASE}/family?model=${encodeURIComponent(mid)}`);
  await page.waitForSelector('svg.tree text.name', { timeout: 20000 });
  const names = await page.locator('svg.tree text.name').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  assert(names.includes('google/gemma-7b'), 'parent google/gemma-7b missing');
  assert(names.includes(mid), 'the model itself missing');
  const shown = kids.filter((k) => names.includes(k));
  assert(shown.length >= Math.min(kids.length, 5), `children shown ${shown.length} of ${kids.length}`);
  const edgeColors = await page.locator('svg.tree path.edge').evaluateAll((els) => new Set(els.map((e) => e.getAttribute('stroke'))).size);
  assert(edgeColors >= 1, 'no coloured edges');
  await page.waitForSelector('#details-id', { timeout: 15000 });
  const parentsText = await page.locator('.rel-list').first().textContent();
  assert(parentsText.includes('google/gemma-7b'), 'details parents: ' + parentsText);
  await shot('04-family');
  // Click the parent to navigate.
  await page.locator('svg.tree text.name[data-id="google/gemma-7b"]').click();
  await page.waitForFunction(() => document.querySelector('#details-id')?.textContent === 'google/gemma-7b', null, { timeout: 15000 });
});

await check('the family network (d3-force) draws', async () => {
  await page.goto(`${BASE}/network?model=google%2Fgemma-7b`);
  await page.waitForSelector('.net-canvas', { timeout: 20000 });
  await page.waitForTimeout(5000); // the layout settles, then fits the view
  const px = await page.evaluate(canvasPixels(), '.net-canvas');
  assert(px.drawn > 500, 'network canvas nearly empty: ' + px.drawn);
  await shot('05-network');
});

await check('a library filter changes the visible count and fades points', async () => {
  await page.goto(BASE + '/map');
  await ready();
  await page.waitForSelector('input[data-facet=library][value=transformers]', { timeout: 20000 });
  const before = await page.evaluate(canvasPixels(), '#map');
  await page.locator('input[data-facet=library][value=transformers]').check();
  const want = (await api('/api/models/count?library=transformers')).count;
  await page.waitForFunction((w) => document.querySelector('#count')?.dataset.count === String(w), want, { timeout: 15000 });
  assert(want < stats.models, 'filter did not narrow');
  await page.waitForTimeout(300);
  const after = await page.evaluate(canvasPixels(), '#map');
  assert(after.strong < before.strong, `faded pixels: ${after.strong} >= ${before.strong}`);
  assert(/library=transformers/.test(page.url()), 'URL lacks the filter');
  await shot('06-filter');
});

await check('the URL reproduces a view (filter, colour, model, camera)', async () => {
  await page.selectOption('#color-by', 'license');
  await page.locator('#search').fill('gemma-7b');
  await page.waitForSelector('#search-list li[role=option]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#details-id')?.textContent === 'google/gemma-7b');
  await page.waitForTimeout(1800); // fly animation, URL sync
  const url = page.url();
  assert(/color=license/.test(url) && /library=transformers/.test(url) && /model=/.test(url) && /cam=/.test(url), 'URL: ' + url);
  const p2 = await context.newPage();
  await p2.setViewportSize({ width: 1400, height: 860 });
  await p2.goto(url);
  await p2.waitForFunction(() => window.__hfviz && window.__hfviz.ready);
  await p2.waitForFunction(() => document.querySelector('#details-id')?.textContent === 'google/gemma-7b', null, { timeout: 15000 });
  assert(await p2.locator('#color-by').inputValue() === 'license', 'colour not restored');
  assert(await p2.locator('input[data-facet=library][value=transformers]').isChecked(), 'filter not restored');
  const c1 = await page.evaluate(() => window.__hfviz.state.camera), c2 = await p2.evaluate(() => window.__hfviz.state.camera);
  assert(c2 && Math.abs(c1.zoom - c2.zoom) / c1.zoom < 0.01 && Math.abs(c1.x - c2.x) < 1e-3 * Math.max(1, Math.abs(c1.x)) + 1e-3, `camera ${JSON.stringify(c1)} vs ${JSON.stringify(c2)}`);
  await p2.waitForTimeout(400);
  const a = await page.evaluate(canvasPixels(), '#map'), b = await p2.evaluate(canvasPixels(), '#map');
  assert(Math.abs(a.strong - b.strong) <= 0.1 * a.strong + 50, `pixels differ: ${a.strong} vs ${b.strong}`);
  await p2.screenshot({ path: join(OUT, '07-url-restored.png') });
  await p2.close();
});

await check('lasso selection lists models and exports CSV', async () => {
  await page.goto(BASE + '/map');
  await ready();
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2, r = Math.min(box.width, box.height) * 0.3;
  await page.keyboard.down('Shift');
  await page.mouse.move(cx + r, cy);
  await page.mouse.down();
  for (let k = 1; k <= 24; k++) await page.mouse.move(cx + r * Math.cos((k * Math.PI) / 12), cy + r * Math.sin((k * Math.PI) / 12));
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForSelector('#sel-count', { timeout: 15000 });
  const n = Number(await page.locator('#sel-count').getAttribute('data-count'));
  assert(n > 0, 'empty selection');
  await page.waitForSelector('.sel-list li a', { timeout: 15000 });
  assert(/lasso=/.test(page.url()), 'URL lacks the lasso');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('text=Export CSV')]);
  const path = join(OUT, 'selection.csv');
  await dl.saveAs(path);
  const csv = (await import('node:fs')).readFileSync(path, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  assert(lines.length === Math.min(n, 100000) + 1, `CSV has ${lines.length - 1} rows for ${n} selected`);
  await shot('08-lasso');
  // The selection is in the URL: a fresh page selects the same models.
  const p2 = await context.newPage();
  await p2.setViewportSize({ width: 1400, height: 860 });
  await p2.goto(page.url());
  await p2.waitForSelector('#sel-count', { timeout: 20000 });
  const n2 = Number(await p2.locator('#sel-count').getAttribute('data-count'));
  await p2.close();
  assert(n2 === n, `restored selection ${n2} != ${n}`);
});

await check('every colour mapping has a legend; size by trending; minimap moves the view', async () => {
  await page.goto(BASE + '/map');
  await ready();
  const seen = new Set();
  for (const c of ['library', 'pipeline', 'license', 'cluster', 'family', 'depth', 'created', 'language']) {
    await page.selectOption('#color-by', c);
    await page.waitForFunction((c) => (document.querySelector('.legend-title')?.textContent ?? '').includes(c === 'created' ? 'created date' : c), c, { timeout: 20000 });
    const legend = await page.locator('#legend').textContent();
    assert(!seen.has(legend), `legend for ${c} same as before`);
    seen.add(legend);
    assert(/colour=|color=/.test(page.url()) || c === 'cluster', 'URL lacks the colour for ' + c);
  }
  await page.selectOption('#size-by', 'trending');
  await page.waitForTimeout(300);
  const px = await page.evaluate(canvasPixels(), '#map');
  assert(px.strong > 1000, 'map empty after colour changes');
  await shot('09a-colour-created');
  const cam0 = await page.evaluate(() => ({ ...window.__hfviz.app.renderer.camera }));
  const mm = await page.locator('.minimap canvas').boundingBox();
  await page.mouse.click(mm.x + mm.width * 0.2, mm.y + mm.height * 0.2);
  const cam1 = await page.evaluate(() => ({ ...window.__hfviz.app.renderer.camera }));
  assert(cam1.x < cam0.x && cam1.y > cam0.y, 'minimap click did not move the view');
});

await check('dragging the downloads slider updates the count live', async () => {
  await page.goto(BASE + '/map');
  await ready();
  const counts = [];
  for (const v of [40, 80, 120]) {
    await page.locator('#f-dl-min').evaluate((el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, v);
    await page.waitForFunction(() => /match/.test(document.querySelector('#count')?.textContent ?? ''), null, { timeout: 15000 });
    await page.waitForTimeout(400);
    counts.push(Number(await page.locator('#count').getAttribute('data-count')));
  }
  assert(counts[0] > counts[1] && counts[1] > counts[2], 'counts did not fall: ' + counts.join(', '));
  const min = new URL(page.url()).searchParams.get('min_downloads');
  const want = (await api('/api/models/count?min_downloads=' + min)).count;
  assert(want === counts[2], `count ${counts[2]} != API ${want}`);
});

await check('search by free text (semantic) and arrow keys', async () => {
  await page.locator('#search').fill('');
  await page.locator('#search').click();
  await page.keyboard.type('stable diffusion text to image');
  await page.waitForSelector('#search-list li[role=option]', { timeout: 15000 });
  await page.keyboard.press('ArrowDown');
  const active = await page.locator('#search-list li[aria-selected=true] .sid').textContent();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('#details-id')?.textContent === id, active, { timeout: 15000 });
});

await check('charts draw histograms from /api/histogram', async () => {
  await page.goto(BASE + '/charts');
  await page.waitForSelector('#chart-downloads svg rect.bar', { timeout: 20000 });
  await page.waitForSelector('#chart-created svg rect.bar', { timeout: 20000 });
  const bars = await page.locator('svg.chart rect.bar').count();
  assert(bars > 20, 'few bars: ' + bars);
  await shot('09-charts');
});

await check('the families page lists the largest families and a family growth chart', async () => {
  await page.goto(BASE + '/families?model=google%2Fgemma-7b');
  await page.waitForSelector('table.data tbody tr', { timeout: 20000 });
  const first = await page.locator('table.data tbody tr td.id').first().textContent();
  const top = await api('/api/families/top?limit=1');
  assert(first === top.families[0].root, `first family ${first}`);
  await page.waitForSelector('.cum-line', { timeout: 20000 });
  await shot('10-families');
});

// ---- the Science view (docs/science.md analyses, /api/analyze/*) ----
const apiStatus = async (path) => { const r = await fetch(BASE + path); return { status: r.status, body: await r.json() }; };
const scienceReady = () => page.waitForFunction(() => window.__hfviz?.science?.ready, null, { timeout: 60000 });

await check('science · similarity: one bar and CI per configuration, measure and artifact switches', async () => {
  const sim = await api('/api/analyze/similarity');
  await page.goto(BASE + '/science/similarity');
  await page.waitForSelector('#sim-chart rect.sim-bar', { timeout: 60000 });
  const want = sim.configs.filter((c) => c.tfidf).length;
  assert(await page.locator('#sim-chart rect.sim-bar').count() === want, `bars ${await page.locator('#sim-chart rect.sim-bar').count()} != API rows ${want}`);
  assert(await page.locator('#sim-chart path.ci').count() === want, 'CI count');
  // Grouped by generation gap: random first, then gaps 0..3; the group of a bar matches its row.
  const labels = await page.locator('#sim-chart .group-label').allTextContents();
  assert(labels.length === new Set(sim.configs.map((c) => c.generation_gap)).size && /random/.test(labels[0]) && /gap 0/.test(labels[1]), 'groups: ' + labels.join(' | '));
  const sib = sim.configs.filter((c) => c.relation === 'siblings').map((c) => `${c.pattern}·${c.config}`);
  const order = await page.locator('#sim-chart g.sim-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  assert(order[0] === 'rando·1' && sib.every((k, i) => order[1 + i] === k), 'siblings not right after random: ' + order.slice(0, 6).join(','));
  // The bar of a configuration has the API's mean.
  const duo = sim.configs.find((c) => c.pattern === 'duo');
  const tip = await page.locator('#sim-chart g.sim-item[data-key="duo·1"] title').textContent();
  assert(tip.includes(duo.tfidf.mean.toFixed(3)), 'duo tooltip ' + tip);
  await page.click('button[data-measure=levenshtein]');
  await page.waitForFunction((m) => (document.querySelector('#sim-chart g.sim-item[data-key="duo·1"] title')?.textContent ?? '').includes(m), duo.levenshtein.mean.toFixed(3), { timeout: 15000 });
  assert(/measure=levenshtein/.test(page.url()), 'URL lacks the measure: ' + page.url());
  await page.click('button[data-measure=tfidf]');
  await page.waitForSelector('#sim-contrast');
  await shot('13-science-similarity');
  // strip ids: a new request, still one bar per row.
  const strip = await api('/api/analyze/similarity?strip_ids=true');
  await page.locator('label:has-text("strip ids") input').check();
  await page.waitForFunction((m) => (document.querySelector('#sim-chart g.sim-item[data-key="duo·1"] title')?.textContent ?? '').includes(m), strip.configs.find((c) => c.pattern === 'duo').tfidf.mean.toFixed(3), { timeout: 60000 });
  assert(/strip_ids=true/.test(page.url()), 'URL lacks strip_ids');
  // The card artifact on a map without card text: the server's 409 detail is shown.
  const card = await apiStatus('/api/analyze/similarity?artifact=card&strip_ids=true');
  await page.selectOption('#sci-artifact', 'card');
  await page.waitForSelector('#sci-similarity .error', { timeout: 15000 });
  const err = await page.locator('#sci-similarity .error').textContent();
  assert(card.status === 409 ? err.includes(card.body.detail) : false, `card: ${card.status} ${err}`);
  // Sub-pages are history entries.
  await page.click('.sci-tab[data-page=drift]');
  await page.waitForSelector('#sci-drift');
  assert(/\/science\/drift/.test(page.url()), 'URL ' + page.url());
  await page.goBack();
  await page.waitForSelector('#sci-similarity .error', { timeout: 15000 });
});

await check('science · drift: nodes in the ordering, arcs by net traffic, a clicked arc lists its pairs', async () => {
  const d = await api('/api/analyze/drift?trait=license');
  await page.goto(BASE + '/science/drift');
  await page.waitForSelector('#drift-graph path.arc', { timeout: 60000 });
  const nodes = await page.locator('#drift-graph g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  assert(JSON.stringify(nodes) === JSON.stringify(d.top.weighted.order), 'node order differs from the weighted ordering');
  const xs = await page.locator('#drift-graph g.node circle').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
  assert(xs.every((x, i) => i === 0 || x > xs[i - 1]), 'nodes not left to right');
  const oriented = d.top.edges.filter((e) => e.net > 0);
  assert(await page.locator('#drift-graph path.arc').count() === oriented.length, 'arcs != oriented edges');
  const body = await page.locator('#sci-drift .drift-stats').textContent();
  assert(body.includes(String(Number(d.mutation_rate.toFixed(3)))) && body.includes(`${d.top.weighted.compatible_edges}/${d.top.weighted.oriented_edges}`), 'stats: ' + body);
  // Click (with the mouse) the middle of an arc that is on top there.
  const hit = await page.evaluate(() => {
    for (const p of document.querySelectorAll('#drift-graph path.arc')) {
      const m = p.getPointAtLength(p.getTotalLength() / 2).matrixTransform(p.getScreenCTM());
      if (document.elementFromPoint(m.x, m.y) === p) return { from: p.dataset.from, to: p.dataset.to, x: m.x, y: m.y };
    }
    return null;
  });
  assert(hit, 'no clickable arc');
  await page.mouse.click(hit.x, hit.y);
  await page.waitForSelector('#drift-pairs-total', { timeout: 20000 });
  const pairs = await api(`/api/analyze/drift/pairs?trait=license&from=${encodeURIComponent(hit.from)}&to=${encodeURIComponent(hit.to)}&limit=200`);
  const total = Number(await page.locator('#drift-pairs-total').getAttribute('data-total'));
  assert(total === pairs.total, `pairs total ${total} != API ${pairs.total}`);
  assert(await page.locator('#drift-pairs tr.pair').count() === pairs.pairs.length, 'listed pairs != API pairs');
  assert(await page.locator(`#drift-graph path.arc.on[data-from="${hit.from}"]`).count() === 1, 'clicked arc not highlighted');
  assert(new URL(page.url()).searchParams.get('from') === hit.from, 'URL lacks the edge');
  await shot('14-science-drift');
  // A pair opens the model's details.
  const child = pairs.pairs[0].child;
  await page.locator(`#drift-pairs tr.pair a[data-id="${child}"]`).first().click();
  await page.waitForFunction((id) => document.querySelector('#details-id')?.textContent === id, child, { timeout: 15000 });
  // Another trait.
  const lang = await api('/api/analyze/drift?trait=language');
  await page.selectOption('#sci-trait', 'language');
  await page.waitForFunction((v) => document.querySelector('#drift-graph g.node')?.getAttribute('data-value') === v, lang.top.weighted.order[0], { timeout: 60000 });
  assert(await page.locator('#drift-graph g.node').count() === lang.top.weighted.order.length, 'language nodes');
  assert(/trait=language/.test(page.url()) && !/from=/.test(page.url()), 'URL ' + page.url());
});

await check('science · documentation drift and license audit match the API', async () => {
  const docs = await api('/api/analyze/docs'), lic = await api('/api/analyze/license');
  await page.goto(BASE + '/science/docs');
  await page.waitForSelector('#docs-by-relation tbody tr', { timeout: 60000 });
  await page.waitForSelector('#license-pairs tbody tr', { timeout: 60000 });
  const rels = 1 + Object.values(docs.by_relation).filter((v) => v.edges > 0).length;
  assert(await page.locator('#docs-by-relation tbody tr').count() === rels, 'relation rows');
  assert(await page.locator('#docs-by-generation tbody tr').count() === docs.by_generation.filter((g) => g.stats.edges > 0).length, 'generation rows');
  const overall = await page.locator('#docs-by-relation tbody tr').first().textContent();
  const cc = docs.overall.card_chars;
  assert(overall.includes(Math.round(cc.parent).toLocaleString('en-US')) && overall.includes(Math.round(cc.child).toLocaleString('en-US')), 'card chars: ' + overall);
  const flagged = await page.locator('#license-flagged').textContent();
  assert(flagged.includes(`${lic.flagged.toLocaleString('en-US')} of ${lic.judged.toLocaleString('en-US')}`), 'flagged ' + flagged);
  assert(await page.locator('#license-pairs tbody tr').count() === lic.pairs.length, 'flagged pairs');
  await shot('15-science-docs');
  await page.locator('#license-audit').evaluate((el) => el.scrollIntoView());
  await shot('15b-science-license');
  const child = lic.pairs[0].child;
  await page.locator(`#license-pairs a[data-id="${child}"]`).first().click();
  await page.waitForFunction((id) => document.querySelector('#details-id')?.textContent === id, child, { timeout: 15000 });
  // "diff" on a flagged pair opens the diff page with that pair.
  await page.locator('#license-pairs .diff-link').first().click();
  await page.waitForSelector('#diff-text .dseg', { timeout: 30000 });
  assert(await page.locator('#diff-a').inputValue() === lic.pairs[0].parent && await page.locator('#diff-b').inputValue() === lic.pairs[0].child, 'diff not prefilled from the pair');
});

await check('science · generations: the profile of a family has one row per depth of the API', async () => {
  const r = await api('/api/analyze/docs?family=google%2Fgemma-7b');
  await page.goto(BASE + '/science/generations');
  await page.waitForSelector('#gen-profile tbody tr', { timeout: 60000 });
  assert(await page.locator('#gen-family').inputValue() === 'google/gemma-7b', 'default family');
  const rows = await page.locator('#gen-profile tbody tr').count();
  assert(rows === r.family.profile.length && rows === r.family.max_depth + 1, `depth rows ${rows}, API ${r.family.profile.length}`);
  const models = await page.locator('#gen-models').textContent();
  assert(models === r.family.models.toLocaleString('en-US'), 'models ' + models);
  await shot('15c-science-generations');
  // another family through the picker lands in the URL
  await page.fill('#gen-family', r.family.root);
  await page.click('#gen-go');
  await page.waitForFunction(() => /family=/.test(location.search), null, { timeout: 15000 });
  await scienceReady();
  assert(new URL(page.url()).searchParams.get('family') === r.family.root, 'URL ' + page.url());
  assert(await page.locator('#gen-profile tbody tr').count() === r.family.profile.length, 'rows after picking the root (same family)');
});

await check('science · diff: the selected model and its first parent, segments coloured', async () => {
  const m = await api('/api/model/google/gemma-7b-it');
  const parent = [...(m.parents.finetune ?? []), ...(m.parents.base ?? [])].find((p) => p.in_map).id;
  const d = await api(`/api/analyze/diff?a=${encodeURIComponent(parent)}&b=google/gemma-7b-it`);
  await page.goto(BASE + '/science/diff?model=google%2Fgemma-7b-it');
  await page.waitForSelector('#diff-text .dseg', { timeout: 30000 });
  assert(await page.locator('#diff-a').inputValue() === parent && await page.locator('#diff-b').inputValue() === 'google/gemma-7b-it', 'not prefilled');
  assert(await page.locator('#diff-text .dseg').count() === d.segments.length, 'segments != API');
  for (const op of ['equal', 'replace', 'delete', 'insert']) {
    const n = await page.locator(`#diff-text .dseg[data-op=${op}]`).count();
    assert(n === d.segments.filter((s) => s.op === op).length, `${op} segments ${n}`);
  }
  assert(await page.locator('#diff-distance').textContent() === d.distance.toLocaleString('en-US'), 'distance');
  const colours = await page.locator('#diff-text .dseg').evaluateAll((els) => new Set(els.filter((e) => e.dataset.op !== 'equal').map((e) => getComputedStyle(e.dataset.op === 'replace' ? e.querySelector('ins') : e).backgroundColor)).size);
  assert(colours >= 2, 'changed segments not coloured');
  // B's text is rebuilt from the segments shown.
  const b = await page.locator('#diff-text .dseg').evaluateAll((els) => els.map((e) => (e.dataset.op === 'replace' ? e.querySelector('ins').textContent : e.dataset.op === 'delete' ? '' : e.textContent)).join(''));
  assert([...b].length === d.b_chars, `B has ${[...b].length} chars, API ${d.b_chars}`);
  await shot('16-science-diff');
  // The card artifact: the server's 409 detail.
  const card = await apiStatus(`/api/analyze/diff?a=${encodeURIComponent(parent)}&b=google/gemma-7b-it&artifact=card`);
  await page.selectOption('#diff-artifact', 'card');
  await page.waitForSelector('#diff-out .error', { timeout: 15000 });
  const err = await page.locator('#diff-out .error').textContent();
  assert(card.status >= 400 && err.includes(card.body.detail), `card diff: ${card.status} ${err}`);
  assert(/artifact=card/.test(page.url()) && /a=/.test(page.url()), 'URL ' + page.url());
  // Dark theme.
  await page.selectOption('#diff-artifact', 'metadata');
  await page.waitForSelector('#diff-text .dseg', { timeout: 30000 });
  await page.click('#theme');
  await page.waitForTimeout(200);
  await shot('17-science-diff-dark');
  await page.click('#theme');
});

// ---- the model counter and the Growth view (/api/model-count/*, a database of the demo's monthly counts) ----
const growthReady = (p = page) => p.waitForFunction(() => window.__hfviz?.growth?.ready, null, { timeout: 30000 });
const en = (v) => Math.round(v).toLocaleString('en-US');
const signed = (v) => (v > 0 ? '+' : v < 0 ? '−' : '') + en(Math.abs(v));
const pathLengths = (sel) => page.locator(sel).evaluateAll((els) => els.map((e) => (e.getAttribute('d') ?? '').length));

await check('the header counter shows the newest snapshot of /api/model-count/latest and opens the growth page', async () => {
  const latest = await api('/api/model-count/latest');
  await page.goto(BASE + '/map');
  await page.waitForSelector('#model-counter:not([hidden])', { timeout: 20000 });
  assert(await page.locator('#model-counter').getAttribute('data-total') === String(latest.total), 'data-total differs from the API');
  const text = await page.locator('#model-counter').textContent();
  assert(text.includes(en(latest.total)), `counter "${text}" lacks ${en(latest.total)}`);
  if (latest.source === 'dataset') assert(/in dataset/.test(text) && text.includes(latest.taken_at.slice(0, 10)), 'a dataset count not said to be one: ' + text);
  else assert(/on the Hub/.test(text), 'counter: ' + text);
  const title = await page.locator('#model-counter').getAttribute('title');
  assert(title.includes(latest.taken_at.slice(0, 10)) && title.includes(latest.origin), 'tooltip lacks the time or source: ' + title);
  const g = await apiStatus(`/api/model-count/growth?source=${latest.source}&top=1`);
  if (g.status === 200 && g.body.daily_growth_avg !== null) assert(/\/day/.test(text) && title.includes(en(g.body.total_growth)), 'no daily growth: ' + text);
  await page.locator('header.top').screenshot({ path: join(OUT, '18-counter.png') });
  await page.click('#model-counter');
  await page.waitForFunction(() => location.pathname === '/growth', null, { timeout: 15000 });
  await growthReady();
  await page.goBack();
  await page.waitForFunction(() => location.pathname === '/map', null, { timeout: 15000 });
});

await check('growth · totals, facet lines, statistics and the top table match the API', async () => {
  const days = 3650;
  // The statistics the page asked for (the counter's request has no days=): the same answer here.
  const req = page.waitForRequest((r) => /\/api\/model-count\/growth\?.*days=/.test(r.url()), { timeout: 20000 });
  await page.goto(`${BASE}/growth?days=${days}`);
  const asked = new URL((await req).url());
  assert(asked.searchParams.get('days') === String(days), 'asked ' + asked.search);
  const g = await api(asked.pathname + asked.search);
  const lib = await api(`/api/model-count/history?source=${g.source}&facet=library&top=10`);
  await growthReady();
  await page.waitForSelector('#growth-total path.series-line', { timeout: 20000 });
  const tot = await pathLengths('#growth-total path.series-line');
  assert(tot.length >= 1 && tot.every((n) => n > 20), 'empty total lines: ' + tot);
  assert(await page.locator(`#growth-total path.series-line[data-key="${g.source}"]`).count() === 1, `no ${g.source} total line`);
  const fac = await pathLengths('#growth-facet path.series-line');
  assert(fac.length === lib.series.values.length && fac.filter((n) => n > 20).length >= 2, `facet lines ${fac.length} (API ${lib.series.values.length}): ${fac}`);
  const labels = await page.locator('#growth-facet .ll-item').allTextContents();
  assert(JSON.stringify(labels) === JSON.stringify(lib.series.values), 'legend ' + labels.join(',') + ' != ' + lib.series.values.join(','));
  assert(await page.locator('#gs-total b').textContent() === en(g.end.total), 'total');
  assert(await page.locator('#gs-growth b').textContent() === signed(g.total_growth), 'total growth ' + await page.locator('#gs-growth b').textContent());
  const elapsed = await page.locator('#gs-elapsed b').textContent();
  assert(Math.abs(parseFloat(elapsed) - g.elapsed_days) <= 0.05 * g.elapsed_days + 0.01, `elapsed ${elapsed} vs ${g.elapsed_days}`);
  assert(await page.locator('#gs-snapshots b').textContent() === en(g.snapshots_used), 'snapshots used');
  assert(await page.locator('#growth-table tbody tr').count() === g.by_library.length, 'table rows');
  const firstRow = await page.locator('#growth-table tbody tr').first().getAttribute('data-value');
  assert(firstRow === g.by_library[0].value, `first row ${firstRow}`);
  if (g.forecast) {
    assert(await page.locator('#growth-total circle.fc-point').count() === 1 && (await pathLengths('#growth-total path.fc-line'))[0] > 10 && await page.locator('#growth-total rect.fc-band').count() === 1, 'no forecast drawn');
    assert((await page.locator('#gs-forecast').textContent()).includes(en(g.forecast.total)), 'forecast total');
  } else assert((await page.locator('#gs-forecast').textContent()).includes(g.forecast_note), 'forecast note');
  // hover: the tooltip lists the lines' values at a snapshot
  const box = await page.locator('#growth-facet rect.hover-catch').boundingBox();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  await page.waitForSelector('#growth-facet .chart-tip:not([hidden])', { timeout: 5000 });
  const tip = await page.locator('#growth-facet .chart-tip').textContent();
  assert(/UTC/.test(tip) && lib.series.values.some((v) => tip.includes(v)), 'tooltip: ' + tip);
  await shot('19-growth');
  await page.mouse.move(box.x - 40, box.y - 40);
});

await check('growth · the log switch and the facet switch change the charts and the URL (back restores)', async () => {
  const before = await page.locator('#growth-facet path.series-line').first().getAttribute('d');
  await page.click('#growth-log');
  await page.waitForSelector('#growth-facet svg[data-scale=log]', { timeout: 15000 });
  assert(new URL(page.url()).searchParams.get('log') === '1', 'URL lacks log=1: ' + page.url());
  assert(await page.locator('#growth-total svg').getAttribute('data-scale') === 'log', 'the total chart is not log');
  const after = await page.locator('#growth-facet path.series-line').first().getAttribute('d');
  assert(after && after !== before, 'the log switch did not change the lines');
  const g = await api('/api/model-count/growth?days=3650&top=10');
  const pipe = await api(`/api/model-count/history?source=${g.source}&facet=pipeline&top=10`);
  await page.click('button[data-facet=pipeline]');
  await page.waitForFunction((v) => document.querySelector('#growth-facet .ll-item')?.textContent === v, pipe.series.values[0], { timeout: 15000 });
  await growthReady();
  assert(new URL(page.url()).searchParams.get('facet') === 'pipeline', 'URL lacks facet=pipeline: ' + page.url());
  const labels = await page.locator('#growth-facet .ll-item').allTextContents();
  assert(JSON.stringify(labels) === JSON.stringify(pipe.series.values), 'pipeline legend ' + labels.join(','));
  assert(await page.locator('#growth-table thead th').first().textContent() === 'pipeline', 'the table is not by pipeline');
  assert(await page.locator('#growth-table tbody tr').count() === g.by_pipeline.length, 'pipeline rows');
  assert((await pathLengths('#growth-facet path.series-line')).filter((n) => n > 20).length >= 2, 'pipeline lines empty');
  await shot('20-growth-log-pipeline');
  await page.goBack();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('facet') === null && document.querySelector('#growth-table thead th')?.textContent === 'library', null, { timeout: 15000 });
  assert(await page.locator('#growth-facet svg').getAttribute('data-scale') === 'log', 'back lost the log scale');
  await page.goBack();
  await page.waitForSelector('#growth-facet svg[data-scale=linear]', { timeout: 15000 });
  // the window selector: the statistics of another window
  const g30 = await apiStatus(`/api/model-count/growth?days=30&source=${g.source}&top=10`);
  await page.selectOption('#growth-days', '30');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('days') === '30', null, { timeout: 15000 });
  await growthReady();
  if (g30.status === 200) assert(await page.locator('#gs-growth b').textContent() === signed(g30.body.total_growth), 'days=30 growth');
  else assert((await page.locator('#growth-error').textContent()).includes(g30.body.detail), 'days=30: ' + g30.status);
  // dark theme
  await page.click('#theme');
  await page.waitForTimeout(200);
  await shot('21-growth-dark');
  await page.click('#theme');
});

await check('growth · a source without snapshots shows the 409 detail of /growth; no database says how to make one', async () => {
  const st = await api('/api/model-count/status');
  const empty = st.snapshots.hub < 2 ? 'hub' : st.snapshots.dataset < 2 ? 'dataset' : null;
  assert(empty, 'the demo database has both sources');
  const r = await apiStatus(`/api/model-count/growth?days=90&source=${empty}&top=10&model=linear`);
  assert(r.status === 409, `growth of ${empty}: ${r.status}`);
  await page.goto(`${BASE}/growth?source=${empty}`);
  await growthReady();
  const err = await page.locator('#growth-error').textContent();
  assert(err.includes(r.body.detail || r.body.error), `409 detail "${r.body.detail}" not in "${err}"`);
  assert(await page.locator('#growth-total path.series-line').count() >= 1, 'the other source\'s totals are not drawn');
  await shot('22-growth-409');
  await page.click('#growth-other');
  await page.waitForSelector('#gs-growth', { timeout: 15000 });
  assert(new URL(page.url()).searchParams.get('source') !== empty, 'URL ' + page.url());
  // A server without --db: no counter at all, and the page says how to get a database.
  const NODB = process.env.NODB_URL;
  assert(NODB, 'NODB_URL not set (tests/integration/test_web.sh starts that server)');
  const p3 = await context.newPage();
  await p3.setViewportSize({ width: 1400, height: 860 });
  await p3.goto(NODB + '/growth');
  await growthReady(p3);
  const txt = await p3.locator('#growth-empty').textContent();
  assert(/no model-count database/.test(txt) && txt.includes('hfviz track --db') && txt.includes('--track-db') && txt.includes('serve my.map --db'), 'no-db page: ' + txt);
  await p3.waitForTimeout(500);
  assert(await p3.locator('#model-counter').isHidden(), 'the counter shows without a database');
  assert((await p3.locator('#model-counter').textContent()) === '', 'the counter has text without a database');
  await p3.screenshot({ path: join(OUT, '23-growth-no-db.png') });
  await p3.close();
});

await check('the counter refreshes every minute, not while the tab is hidden; a new snapshot refreshes the growth page', async () => {
  // A fake clock in a fresh page; a poll of a fake Hub (served here) adds the newest snapshot.
  const { HFVIZ_BIN, COUNT_DB } = process.env;
  assert(HFVIZ_BIN && COUNT_DB, 'HFVIZ_BIN and COUNT_DB not set (tests/integration/test_web.sh sets them)');
  const p4 = await context.newPage();
  await p4.setViewportSize({ width: 1400, height: 860 });
  await p4.clock.install();
  await p4.goto(BASE + '/growth?days=3650');
  await growthReady(p4);
  await p4.waitForFunction(() => window.__hfviz.counter, null, { timeout: 15000 });
  const before = await p4.evaluate(() => window.__hfviz.counter.id);
  const asked = [];
  p4.on('request', (r) => { if (/\/api\/model-count\/latest$/.test(r.url())) asked.push(r.url()); });
  // the fake Hub: the two requests of docs/tracking.md's "counts" method
  const { createServer } = await import('node:http');
  const HUB = { total: 2249310, library: { transformers: 944847, diffusers: 112481 }, pipeline: { 'text-generation': 269956 } };
  const hub = createServer((req, res) => {
    const u = new URL(req.url, 'http://hub');
    let body = null;
    if (u.pathname === '/api/models-tags-by-type') body = { library: Object.keys(HUB.library).map((id) => ({ id })), pipeline_tag: Object.keys(HUB.pipeline).map((id) => ({ id })) };
    else if (u.pathname === '/models-json') {
      const l = u.searchParams.get('library'), p = u.searchParams.get('pipeline_tag');
      body = { numTotalItems: l ? HUB.library[l] ?? 0 : p ? HUB.pipeline[p] ?? 0 : HUB.total };
    }
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise((r) => hub.listen(0, '127.0.0.1', r));
  try {
    const { execFile } = await import('node:child_process');
    await new Promise((ok, ko) => execFile(HFVIZ_BIN, ['track', '--db', COUNT_DB, '--hub', `http://127.0.0.1:${hub.address().port}`, '--once'],
      (e, out, err) => (e ? ko(new Error(`hfviz track --once: ${err || e.message}`)) : ok())));
  } finally { hub.close(); }
  const latest = await api('/api/model-count/latest');
  assert(latest.id !== before && latest.source === 'hub' && latest.total === HUB.total, `newest snapshot ${JSON.stringify({ id: latest.id, source: latest.source, total: latest.total })}`);
  // hidden: a minute passes without a request
  await p4.evaluate(() => { Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); });
  await p4.clock.fastForward(61000);
  await p4.waitForTimeout(500);
  assert(asked.length === 0, `asked ${asked.length} times while hidden`);
  // visible again: it asks at once, shows the Hub's count, and the growth page asks again
  await p4.evaluate(() => { window.__hfviz.growth.ready = false; Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }); document.dispatchEvent(new Event('visibilitychange')); });
  await p4.waitForFunction((id) => window.__hfviz.counter?.id === id, latest.id, { timeout: 15000 });
  await growthReady(p4);
  assert(await p4.locator('#model-counter').getAttribute('data-total') === String(HUB.total), 'total after the refresh');
  const text = await p4.locator('#model-counter').textContent();
  assert(text.includes(en(HUB.total)) && /on the Hub/.test(text) && !/\/day/.test(text), 'counter after the poll: ' + text);
  // one Hub snapshot: the page (source: hub now) shows /growth's 409 detail
  const r = await apiStatus('/api/model-count/growth?source=hub');
  assert(r.status === 409 && (await p4.locator('#growth-error').textContent()).includes(r.body.detail), 'growth with one Hub snapshot');
  await p4.locator('header.top').screenshot({ path: join(OUT, '24-counter-hub.png') });
  // and every minute while visible
  const n = asked.length;
  await p4.clock.fastForward(61000);
  await p4.waitForTimeout(500);
  assert(asked.length > n, 'no request after a visible minute');
  await p4.close();
});

await check('the 3D view draws points and the family edges', async () => {
  // The 3D scene renders in software (SwiftShader) on a 2-core machine: allow for a busy CPU.
  await page.goto(BASE + '/3d?model=google%2Fgemma-7b');
  await page.waitForSelector('.three-wrap canvas', { timeout: 60000 });
  await page.waitForFunction(() => /family edges shown/.test(document.querySelector('#view-3d .family-info')?.textContent ?? ''), null, { timeout: 60000 });
  await page.waitForTimeout(500);
  const px = await page.evaluate(canvasPixels(), '.three-wrap canvas');
  assert(px.drawn > 1000, '3D canvas nearly empty: ' + px.drawn);
  await shot('11-3d');
  // Click a drawn point: its details open.  The demo map is built with 2
  // threads (Hogwild UMAP), so where points land differs from run to run,
  // and a drawn pixel may be a family edge rather than a point: try drawn
  // pixels spread over the canvas (away from the selected model at the
  // centre) until a click selects a model.
  const box = await page.locator('.three-wrap canvas').boundingBox();
  const spots = await page.evaluate(() => {
    const c = document.querySelector('.three-wrap canvas');
    const t = document.createElement('canvas'); t.width = c.width; t.height = c.height;
    const g = t.getContext('2d'); g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data, dpr = window.devicePixelRatio || 1;
    const cx = t.width / 2, cy = t.height / 2, keep = 40 * dpr, out = [];
    for (let y = 2; y < t.height - 2 && out.length < 400; y += 5) for (let x = 2; x < t.width - 2; x += 5) {
      if (Math.abs(x - cx) < keep && Math.abs(y - cy) < keep) continue;
      if (d[(y * t.width + x) * 4 + 3] > 150) out.push([x / dpr, y / dpr]);
    }
    return out;
  });
  assert(spots.length > 0, 'no drawn point to click');
  let picked = false;
  for (let i = 0; i < 25 && !picked; i++) {
    const [x, y] = spots[Math.floor((i * spots.length) / 25)];
    await page.evaluate(() => { window.__hfviz.selected = null; });
    await page.mouse.click(box.x + x, box.y + y);
    picked = await page.waitForFunction(() => window.__hfviz.selected, null, { timeout: 2000 }).then(() => true, () => false);
  }
  assert(picked, 'no click on a drawn pixel selected a model');
});

await check('dark theme and an unknown model show no blank page', async () => {
  await page.goto(BASE + '/map?model=nobody%2Fnothing');
  await ready();
  await page.waitForSelector('#details .error', { timeout: 15000 });
  await page.click('#theme');
  await page.waitForTimeout(300);
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  assert(theme === 'dark' || theme === 'light', 'theme');
  await shot('12-theme-error');
});

await check('no page errors', async () => {
  const real = pageErrors.filter((e) => !/GL Driver Message|GPU stall|404 \(Not Found\)|409 \(Conflict\)/.test(e));
  assert(real.length === 0, real.join(' | '));
});

await browser.close();
writeFileSync(join(OUT, 'e2e-results.json'), JSON.stringify(results, null, 2));
console.log(`web e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
