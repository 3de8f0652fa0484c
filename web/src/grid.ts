// A uniform-grid spatial index over the 2D coordinates: a counting sort of
// the rows by cell (two Uint32Arrays, built in one O(n) pass).  Hover picking
// and lasso selection look only at the cells they touch, never at every point.

export interface Grid {
  g: number;               // cells per side
  minX: number; minY: number;
  cell: number;            // cell size in data units
  start: Uint32Array;      // g*g + 1 offsets into rows
  rows: Uint32Array;       // row numbers, grouped by cell
}

export function buildGrid(coords: Float32Array, n: number, min: number[], max: number[]): Grid {
  const g = Math.max(1, Math.min(2048, Math.ceil(Math.sqrt(n / 4))));
  const span = Math.max(max[0] - min[0], max[1] - min[1]) || 1;
  const cell = (span * 1.000001) / g;
  const minX = min[0], minY = min[1];
  const cellOf = new Uint32Array(n);
  const start = new Uint32Array(g * g + 1);
  for (let i = 0; i < n; i++) {
    let cx = Math.floor((coords[2 * i] - minX) / cell);
    let cy = Math.floor((coords[2 * i + 1] - minY) / cell);
    cx = cx < 0 ? 0 : cx >= g ? g - 1 : cx;
    cy = cy < 0 ? 0 : cy >= g ? g - 1 : cy;
    const k = cy * g + cx;
    cellOf[i] = k;
    start[k + 1]++;
  }
  for (let k = 0; k < g * g; k++) start[k + 1] += start[k];
  const fill = start.slice(0, g * g);
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[fill[cellOf[i]]++] = i;
  return { g, minX, minY, cell, start, rows };
}

const clampCell = (v: number, g: number) => (v < 0 ? 0 : v >= g ? g - 1 : v);

// The nearest row to (x, y) within radius r (data units) that `accept`s, or -1.
export function nearest(grid: Grid, coords: Float32Array, x: number, y: number, r: number,
                        accept?: (row: number) => boolean): number {
  const { g, minX, minY, cell, start, rows } = grid;
  const x0 = clampCell(Math.floor((x - r - minX) / cell), g), x1 = clampCell(Math.floor((x + r - minX) / cell), g);
  const y0 = clampCell(Math.floor((y - r - minY) / cell), g), y1 = clampCell(Math.floor((y + r - minY) / cell), g);
  let best = -1, bestD = r * r;
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      const k = cy * g + cx;
      for (let j = start[k]; j < start[k + 1]; j++) {
        const i = rows[j];
        const dx = coords[2 * i] - x, dy = coords[2 * i + 1] - y;
        const d = dx * dx + dy * dy;
        if (d <= bestD && (!accept || accept(i))) { bestD = d; best = i; }
      }
    }
  }
  return best;
}

export function pointInPolygon(x: number, y: number, poly: number[]): boolean {
  let inside = false;
  const m = poly.length / 2;
  for (let a = 0, b = m - 1; a < m; b = a++) {
    const xa = poly[2 * a], ya = poly[2 * a + 1], xb = poly[2 * b], yb = poly[2 * b + 1];
    if ((ya > y) !== (yb > y) && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}

// Rows inside the polygon (data coordinates x0,y0,x1,y1,...), in row order.
export function inPolygon(grid: Grid, coords: Float32Array, poly: number[],
                          accept?: (row: number) => boolean): Uint32Array {
  const { g, minX, minY, cell, start, rows } = grid;
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (let k = 0; k < poly.length; k += 2) {
    bx0 = Math.min(bx0, poly[k]); bx1 = Math.max(bx1, poly[k]);
    by0 = Math.min(by0, poly[k + 1]); by1 = Math.max(by1, poly[k + 1]);
  }
  const x0 = clampCell(Math.floor((bx0 - minX) / cell), g), x1 = clampCell(Math.floor((bx1 - minX) / cell), g);
  const y0 = clampCell(Math.floor((by0 - minY) / cell), g), y1 = clampCell(Math.floor((by1 - minY) / cell), g);
  const out: number[] = [];
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      const k = cy * g + cx;
      for (let j = start[k]; j < start[k + 1]; j++) {
        const i = rows[j];
        const px = coords[2 * i], py = coords[2 * i + 1];
        if (px < bx0 || px > bx1 || py < by0 || py > by1) continue;
        if (pointInPolygon(px, py, poly) && (!accept || accept(i))) out.push(i);
      }
    }
  }
  const res = Uint32Array.from(out);
  return res.sort();
}
