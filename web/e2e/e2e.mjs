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

await check('the 3D view draws points and the family edges', async () => {
  await page.goto(BASE + '/3d?model=google%2Fgemma-7b');
  await page.waitForSelector('.three-wrap canvas', { timeout: 15000 });
  await page.waitForFunction(() => /family edges shown/.test(document.querySelector('#view-3d .family-info')?.textContent ?? ''), null, { timeout: 15000 });
  await page.waitForTimeout(500);
  const px = await page.evaluate(canvasPixels(), '.three-wrap canvas');
  assert(px.drawn > 1000, '3D canvas nearly empty: ' + px.drawn);
  await shot('11-3d');
  // Click a drawn point: its details open.
  const box = await page.locator('.three-wrap canvas').boundingBox();
  const far = await page.evaluate(() => {
    const c = document.querySelector('.three-wrap canvas');
    const t = document.createElement('canvas'); t.width = c.width; t.height = c.height;
    const g = t.getContext('2d'); g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data, dpr = window.devicePixelRatio || 1;
    // A drawn pixel away from the centre (the selected model sits there).
    for (let y = Math.floor(t.height * 0.3); y < t.height * 0.7; y += 3) for (let x = Math.floor(t.width * 0.25); x < t.width * 0.4; x += 3)
      if (d[(y * t.width + x) * 4 + 3] > 150) return [x / dpr, y / dpr];
    return null;
  });
  assert(far, 'no drawn point to click');
  await page.evaluate(() => { window.__hfviz.selected = null; });
  await page.mouse.click(box.x + far[0], box.y + far[1]);
  await page.waitForFunction(() => window.__hfviz.selected, null, { timeout: 15000 });
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
  const real = pageErrors.filter((e) => !/GL Driver Message|GPU stall|404 \(Not Found\)/.test(e));
  assert(real.length === 0, real.join(' | '));
});

await browser.close();
writeFileSync(join(OUT, 'e2e-results.json'), JSON.stringify(results, null, 2));
console.log(`web e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
