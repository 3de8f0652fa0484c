import { describe, it, expect } from 'vitest';
import { buildGrid, nearest, inPolygon, pointInPolygon } from '../src/grid';

// Deterministic pseudo-random points.
function cloud(n: number) {
  const c = new Float32Array(2 * n);
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 2 * n; i++) c[i] = r() * 20 - 10;
  return c;
}

describe('grid index', () => {
  const n = 5000;
  const c = cloud(n);
  const g = buildGrid(c, n, [-10, -10], [10, 10]);
  it('holds every row once', () => {
    expect(g.rows.length).toBe(n);
    expect(new Set(g.rows).size).toBe(n);
    expect(g.start[g.start.length - 1]).toBe(n);
  });
  it('nearest agrees with a full scan', () => {
    for (const [x, y] of [[0, 0], [9.9, -9.9], [3.3, 4.4], [-5, 7]]) {
      let best = -1, bd = 0.5 * 0.5;
      for (let i = 0; i < n; i++) { const d = (c[2 * i] - x) ** 2 + (c[2 * i + 1] - y) ** 2; if (d <= bd) { bd = d; best = i; } }
      expect(nearest(g, c, x, y, 0.5)).toBe(best);
    }
    expect(nearest(g, c, 100, 100, 0.5)).toBe(-1);
  });
  it('respects the accept filter', () => {
    const r = nearest(g, c, 0, 0, 3, (i) => i % 2 === 0);
    expect(r % 2).toBe(0);
  });
  it('polygon selection agrees with a full scan', () => {
    const poly = [-5, -5, 5, -5, 0, 6];
    const want: number[] = [];
    for (let i = 0; i < n; i++) if (pointInPolygon(c[2 * i], c[2 * i + 1], poly)) want.push(i);
    expect(Array.from(inPolygon(g, c, poly))).toEqual(want);
    expect(want.length).toBeGreaterThan(100);
  });
});
