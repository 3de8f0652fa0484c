// The web explorer on a big map, in headless Chromium (software WebGL):
// page load to the first full frame of all points, hover pick latency,
// redraw time and the tab's memory.   node bench/web/bench.mjs BASE_URL [RUNS]
// Prints a JSON summary (bench/web/run.sh writes it to bench/out/web-bench.json).
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { execSync } from 'node:child_process';

const BASE = process.argv[2] ?? 'http://127.0.0.1:8000';
const RUNS = Number(process.argv[3] ?? 3);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--enable-precise-memory-info'];
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
const loads = [];
let last = null;
for (let r = 0; r < RUNS; r++) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 } }); // fresh: no HTTP cache
  const page = await ctx.newPage();
  await page.goto(BASE + '/map');
  await page.waitForFunction(() => window.__hfviz && (window.__hfviz.ready || window.__hfviz.error), null, { timeout: 120000 });
  const t = await page.evaluate(() => ({ ...window.__hfviz.timing, n: window.__hfviz.points, error: window.__hfviz.error ?? null,
    nav: performance.getEntriesByType('navigation')[0]?.toJSON?.() ?? null,
    pointsEntry: performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/points')).map((e) => ({ size: e.encodedBodySize, decoded: e.decodedBodySize, ms: e.duration }))[0] ?? null }));
  if (t.error) throw new Error(t.error);
  loads.push(t);
  if (r < RUNS - 1) { await ctx.close(); continue; }
  last = { ctx, page };
}
const { page } = last;

// Hover picking: the grid query behind every mouse move, at 2,000 random
// screen positions (home view and zoomed in), then mouse moves to a tooltip.
const pick = await page.evaluate(() => {
  const app = window.__hfviz.app;
  const W = app.renderer.width, H = app.renderer.height;
  const run = () => {
    const ts = [];
    let hits = 0;
    for (let k = 0; k < 2000; k++) {
      const x = Math.random() * W, y = Math.random() * H;
      const t0 = performance.now();
      if (app.pick(x, y) >= 0) hits++;
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return { mean: ts.reduce((a, b) => a + b, 0) / ts.length, p50: ts[1000], p95: ts[1900], max: ts[1999], hits };
  };
  const home = run();
  const cam = { ...app.renderer.camera };
  app.renderer.camera.zoom = 30;
  const zoomed = run();
  app.renderer.camera = cam;
  return { home, zoomed, gridMs: window.__hfviz.timing.grid };
});

// Mouse move → tooltip with the row's fields (includes the /api/rows round trip).
const box = await page.locator('#map').boundingBox();
const tooltip = [];
for (let k = 0; k < 15; k++) {
  const x = box.x + box.width * (0.3 + 0.4 * Math.random()), y = box.y + box.height * (0.3 + 0.4 * Math.random());
  await page.mouse.move(x - 20, y - 20);
  await page.waitForTimeout(50);
  const t0 = Date.now();
  await page.mouse.move(x, y);
  try {
    await page.waitForFunction(() => { const t = document.querySelector('#tooltip'); return t && !t.hidden && /downloads/.test(t.textContent); }, null, { timeout: 2000, polling: 'raf' });
    tooltip.push(Date.now() - t0);
  } catch { /* no point under the cursor */ }
}

// Frame times: a full points pass (every point redrawn, as after a colour
// change or when a pan/zoom settles) and a pan/zoom frame (with software GL:
// the cached image moved; see src/render.ts), 10 of each, waiting for the GPU.
const frame = await page.evaluate(() => {
  const r = window.__hfviz.app.renderer;
  const full = [], move = [];
  for (let k = 0; k < 10; k++) { r.camera.zoom *= 1.05; r.invalidate(); const t0 = performance.now(); r.draw(); r.finish(); full.push(performance.now() - t0); }
  for (let k = 0; k < 10; k++) { r.camera.x += 0.01; const t0 = performance.now(); r.draw(); r.finish(); move.push(performance.now() - t0); }
  full.sort((a, b) => a - b); move.sort((a, b) => a - b);
  return { fullPass: { median: full[5], max: full[9] }, panZoomFrame: { median: move[5], max: move[9] }, softwareGlPreview: r.slow };
});

// A filter: mask pass over every point + GPU upload.
const filter = await page.evaluate(async () => {
  const app = window.__hfviz.app;
  const t0 = performance.now();
  app.setFilters({ ...app.state.filters, minDownloads: 1000 });
  const mask = performance.now() - t0;
  app.renderer.draw(); app.renderer.finish();
  return { maskAndUploadMs: mask, passing: app.passing };
});

// Memory: JS heap (CDP Performance.getMetrics) and the RSS of Chromium's processes.
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const perfMemory = await page.evaluate(() => (performance.memory ? { used: performance.memory.usedJSHeapSize, total: performance.memory.totalJSHeapSize } : null));
let rss = null;
try {
  // Chromium's processes: the browser started with our --enable-precise-memory-info, and its descendants.
  const ps = execSync('ps -eo pid=,ppid=,rss=,args=', { encoding: 'utf8' }).trim().split('\n').map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l);
    return m && { pid: +m[1], ppid: +m[2], rss: +m[3], args: m[4] };
  }).filter(Boolean);
  const root = ps.find((p) => /chromium/.test(p.args) && /--enable-precise-memory-info/.test(p.args) && !/--type=/.test(p.args));
  const tree = new Set([root.pid]);
  for (let grew = true; grew;) { grew = false; for (const p of ps) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; } }
  const mine = ps.filter((p) => tree.has(p.pid));
  const kb = (re) => mine.filter((p) => re.test(p.args)).reduce((s, p) => s + p.rss, 0);
  rss = { totalMiB: Math.round(kb(/./) / 1024), rendererMiB: Math.round(kb(/--type=renderer/) / 1024), gpuMiB: Math.round(kb(/--type=gpu-process/) / 1024), processes: mine.length };
} catch (e) { rss = { error: String(e) }; }

// The 3D view: switch to it and wait for its first rendered frame.
const view3d = await page.evaluate(async () => {
  const t0 = performance.now();
  window.__hfviz.app.setView('3d');
  while (!window.__hfviz.timing.frame3d && performance.now() - t0 < 120000) await new Promise((r) => setTimeout(r, 50));
  return { switchToFirstFrameMs: Math.round(performance.now() - t0), fetchAndDecodeMs: Math.round(window.__hfviz.timing.fetch3d ?? -1), renderMs: Math.round(window.__hfviz.timing.frame3d ?? -1) };
});

const mb = (v) => Math.round((v / 2 ** 20) * 10) / 10;
const summary = {
  url: BASE, points: loads[0].n, runs: RUNS,
  load: {
    firstFrameSinceNavigationMs: loads.map((t) => Math.round(t.firstFrameSinceNavigation)),
    medianFirstFrameSinceNavigationMs: Math.round(median(loads.map((t) => t.firstFrameSinceNavigation))),
    medianFetchMs: Math.round(median(loads.map((t) => t.fetched))),
    medianDecodeMs: Math.round(median(loads.map((t) => t.decoded - t.fetched))),
    medianAppStartToFirstFrameMs: Math.round(median(loads.map((t) => t.firstFrame))),
    pointsBody: loads[0].pointsEntry ? { transferredMiB: mb(loads[0].pointsEntry.size), decodedMiB: mb(loads[0].pointsEntry.decoded) } : null,
  },
  gridBuildMs: Math.round(pick.gridMs),
  pick: { home: pick.home, zoomed: pick.zoomed },
  tooltipMs: tooltip.length ? { median: median(tooltip), p90: pct(tooltip, 0.9), samples: tooltip.length } : null,
  redrawMs: frame,
  filter,
  view3d,
  memory: { jsHeapUsedMiB: mb(metrics.JSHeapUsedSize), jsHeapTotalMiB: mb(metrics.JSHeapTotalSize), performanceMemory: perfMemory && { usedMiB: mb(perfMemory.used), totalMiB: mb(perfMemory.total) }, chromiumRss: rss },
};
console.log(JSON.stringify(summary, null, 2));
await browser.close();
