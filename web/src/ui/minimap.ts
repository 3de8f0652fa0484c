// The minimap: the whole map as a small density image (coloured like the
// map, filtered-out points left out), the current view as a rectangle; click
// or drag on it to move the view.
import type { App } from '../app';
import { h, debounce } from '../dom';

const S = 160;

export class Minimap {
  private canvas: HTMLCanvasElement;
  private image: ImageData | null = null;

  constructor(private app: App, root: HTMLElement) {
    this.canvas = h('canvas', { width: S, height: S, 'aria-label': 'Minimap: click to move the view', role: 'img' });
    root.append(this.canvas);
    let down = false;
    const move = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      const [x, y] = this.toData(((e.clientX - r.left) / r.width) * S, ((e.clientY - r.top) / r.height) * S);
      this.app.renderer.camera.x = x;
      this.app.renderer.camera.y = y;
      this.app.renderer.redraw();
      this.app.viewChanged();
    };
    this.canvas.addEventListener('pointerdown', (e) => { down = true; this.canvas.setPointerCapture(e.pointerId); move(e); });
    this.canvas.addEventListener('pointermove', (e) => { if (down) move(e); });
    this.canvas.addEventListener('pointerup', () => { down = false; });
    this.rebuild();
  }

  private frame() {
    const { min, max } = this.app.pts.header.bounds;
    const span = Math.max(max[0] - min[0], max[1] - min[1]) || 1;
    const cx = (min[0] + max[0]) / 2, cy = (min[1] + max[1]) / 2;
    return { span: span * 1.04, cx, cy };
  }
  private toData(px: number, py: number): [number, number] {
    const f = this.frame();
    return [f.cx + (px / S - 0.5) * f.span, f.cy - (py / S - 0.5) * f.span];
  }
  private toPx(x: number, y: number): [number, number] {
    const f = this.frame();
    return [((x - f.cx) / f.span + 0.5) * S, (0.5 - (y - f.cy) / f.span) * S];
  }

  rebuild = debounce(() => {
    const app = this.app;
    if (!app.pts || !app.colors) return;
    const n = app.pts.n, c = app.pts.coords, codes = app.colors.codes, pal = app.colors.palette, mask = app.mask;
    const f = this.frame();
    const acc = new Float32Array(S * S * 4);
    const k = S / f.span;
    for (let i = 0; i < n; i++) {
      if (mask && mask[i] === 0) continue;
      const px = Math.floor((c[2 * i] - f.cx) * k + S / 2), py = Math.floor(S / 2 - (c[2 * i + 1] - f.cy) * k);
      if (px < 0 || py < 0 || px >= S || py >= S) continue;
      const o = (py * S + px) * 4, p = codes[i] * 4;
      acc[o] += pal[p]; acc[o + 1] += pal[p + 1]; acc[o + 2] += pal[p + 2]; acc[o + 3] += 1;
    }
    let maxN = 1;
    for (let o = 3; o < acc.length; o += 4) if (acc[o] > maxN) maxN = acc[o];
    const img = new ImageData(S, S);
    const lm = Math.log1p(maxN);
    for (let o = 0; o < acc.length; o += 4) {
      const m = acc[o + 3];
      if (!m) continue;
      img.data[o] = acc[o] / m; img.data[o + 1] = acc[o + 1] / m; img.data[o + 2] = acc[o + 2] / m;
      img.data[o + 3] = 90 + 165 * (Math.log1p(m) / lm);
    }
    this.image = img;
    this.draw();
  }, 150);

  draw() {
    const g = this.canvas.getContext('2d');
    if (!g || !this.app.renderer) return;
    g.clearRect(0, 0, S, S);
    if (this.image) g.putImageData(this.image, 0, 0);
    const [x0, y0, x1, y1] = this.app.renderer.viewBox();
    const [a, b] = this.toPx(x0, y1), [c, d] = this.toPx(x1, y0);
    g.strokeStyle = document.documentElement.dataset.theme === 'dark' ? '#f8fafc' : '#0f172a';
    g.lineWidth = 1.5;
    const w = Math.max(3, c - a), hh = Math.max(3, d - b);
    g.strokeRect(Math.max(0.5, a), Math.max(0.5, b), Math.min(S - 1, w), Math.min(S - 1, hh));
  }
}
