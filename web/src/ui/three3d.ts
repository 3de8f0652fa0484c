// The 3D map: /api/points?dims=3 as one THREE.Points (the coords view is
// the position attribute, no copy), coloured like the 2D map, filtered-out
// points faded; orbit and zoom; the selected model's family edges drawn.
import type { App } from '../app';
import { EDGE_COLORS } from '../app';
import { getBinary, getJSON, enc } from '../api';
import { decodePoints, type Points } from '../points';
import { h, clear, spinner, errorBox } from '../dom';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export class View3D {
  private pts?: Points;
  private renderer?: THREE.WebGLRenderer;
  private scene = new THREE.Scene();
  private camera = new THREE.PerspectiveCamera(50, 1, 0.1, 10000);
  private controls?: OrbitControls;
  private points?: THREE.Points;
  private colors?: Uint8Array;
  private edges?: THREE.LineSegments;
  private marker?: THREE.Mesh;
  private wrap = h('div', { class: 'three-wrap' });
  private info = h('div', { class: 'family-info' });
  private running = false;
  private edgesFor?: string;
  private failed = false;

  constructor(private app: App, root: HTMLElement) {
    clear(root, h('div', { class: 'view-head' }, h('h2', {}, '3D map'), this.info,
      h('div', { class: 'edge-legend' }, Object.entries(EDGE_COLORS).map(([k, c]) => h('span', {}, h('i', { style: { background: c } }), k)))), this.wrap);
  }

  async show() {
    this.running = true;
    if (this.failed) return;
    if (!this.pts) {
      clear(this.wrap, spinner('Loading the 3D layout…'));
      try {
        const t = performance.now();
        this.pts = decodePoints(await getBinary('/api/points?dims=3'));
        this.app.timing.fetch3d = performance.now() - t;
        if (this.pts.dims !== 3 || this.pts.n !== this.app.pts.n) throw new Error('the 3D layout does not match the 2D map');
        this.init();
      } catch (e) {
        this.failed = true;
        clear(this.wrap, errorBox(e, '3D view unavailable'));
        return;
      }
    }
    this.onState();
    this.resize();
    this.render();
  }
  hide() { this.running = false; }

  private init() {
    const p = this.pts!;
    clear(this.wrap);
    try {
      this.renderer = new THREE.WebGLRenderer({ antialias: false, alpha: true, preserveDrawingBuffer: true });
    } catch (e) {
      throw new Error('WebGL is not available: ' + (e as Error).message);
    }
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.wrap.append(this.renderer.domElement);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(p.coords, 3));
    this.colors = new Uint8Array(p.n * 4);
    g.setAttribute('color', new THREE.BufferAttribute(this.colors, 4, true));
    const { min, max } = p.header.bounds;
    const c = new THREE.Vector3((min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2);
    const span = Math.max(max[0] - min[0], max[1] - min[1], max[2] - min[2]) || 1;
    g.boundingSphere = new THREE.Sphere(c, span);
    const size = Math.max(0.6, Math.min(3, 250 / Math.sqrt(p.n))) * (span / 100);
    const mat = new THREE.PointsMaterial({ size, vertexColors: true, transparent: true, sizeAttenuation: true, depthWrite: false });
    this.points = new THREE.Points(g, mat);
    this.scene.add(this.points);
    this.camera.position.set(c.x + span * 0.9, c.y + span * 0.6, c.z + span * 0.9);
    this.camera.near = span / 1000; this.camera.far = span * 20;
    this.camera.updateProjectionMatrix();
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.copy(c);
    // Drawn on demand (a change of the camera, the colours or the edges), not
    // every animation frame: with software GL a frame of 1.86M points is slow.
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.render());
    this.controls.update();
    this.info.textContent = `${p.n.toLocaleString()} models · drag to orbit, wheel to zoom, right-drag to pan, click a point for its details`;
    const el = this.renderer.domElement;
    let down: [number, number] | null = null;
    el.addEventListener('pointerdown', (e) => { down = [e.clientX, e.clientY]; });
    el.addEventListener('pointerup', (e) => {
      if (!down || Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) > 4) { down = null; return; }
      down = null;
      const r = el.getBoundingClientRect();
      const row = this.pick(e.clientX - r.left, e.clientY - r.top, r.width, r.height);
      if (row >= 0) this.app.selectRow(row);
    });
    window.addEventListener('resize', () => this.resize());
  }

  // The point under a click: one projection of every point, on a click only
  // (never per mouse move), nearest to the camera among those within 6 px.
  private pick(sx: number, sy: number, w: number, hh: number): number {
    const p = this.pts!, c = p.coords, mask = this.app.mask;
    this.camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse).elements;
    const r2 = 36;
    let best = -1, bestW = Infinity;
    for (let i = 0; i < p.n; i++) {
      if (mask && !mask[i]) continue;
      const x = c[3 * i], y = c[3 * i + 1], z = c[3 * i + 2];
      const cw = m[3] * x + m[7] * y + m[11] * z + m[15];
      if (cw <= 0) continue;
      const px = ((m[0] * x + m[4] * y + m[8] * z + m[12]) / cw * 0.5 + 0.5) * w - sx;
      const py = (0.5 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / cw * 0.5) * hh - sy;
      if (px * px + py * py <= r2 && cw < bestW) { bestW = cw; best = i; }
    }
    return best;
  }

  private resize() {
    if (!this.renderer) return;
    const w = this.wrap.clientWidth || 800, hh = this.wrap.clientHeight || 600;
    this.renderer.setSize(w, hh);
    this.camera.aspect = w / hh;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  private pending = false;
  private render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      if (!this.running || !this.renderer) return;
      const t = performance.now();
      this.renderer.render(this.scene, this.camera);
      this.app.timing.frame3d = performance.now() - t;
    });
  }

  onState() {
    if (!this.pts || !this.points || !this.colors) return;
    const m = this.app.colors;
    const mask = this.app.mask;
    if (m) {
      const pal = m.palette, codes = m.codes, col = this.colors;
      for (let i = 0; i < this.pts.n; i++) {
        const k = codes[i] * 4, o = i * 4;
        col[o] = pal[k]; col[o + 1] = pal[k + 1]; col[o + 2] = pal[k + 2];
        col[o + 3] = mask[i] ? 220 : 18;
      }
      (this.points.geometry.getAttribute('color') as THREE.BufferAttribute).needsUpdate = true;
    }
    this.render();
    this.loadEdges();
  }

  private async loadEdges() {
    const d = this.app.details;
    if (!d || d.id === this.edgesFor) return;
    this.edgesFor = d.id;
    if (this.edges) { this.scene.remove(this.edges); this.edges.geometry.dispose(); this.edges = undefined; }
    if (this.marker) { this.scene.remove(this.marker); this.marker = undefined; }
    const p = this.pts!, c = p.coords;
    const span = Math.max(...p.header.bounds.max.map((v, i) => v - p.header.bounds.min[i]));
    const r = d.row;
    this.marker = new THREE.Mesh(new THREE.SphereGeometry(span / 150), new THREE.MeshBasicMaterial({ color: 0xef4444 }));
    this.marker.position.set(c[3 * r], c[3 * r + 1], c[3 * r + 2]);
    this.scene.add(this.marker);
    this.controls?.target.set(c[3 * r], c[3 * r + 1], c[3 * r + 2]);
    this.controls?.update();
    this.render();
    try {
      const fam = await getJSON<{ nodes: { id: string; row: number }[]; edges: { parent: string; child: string; type: string }[] }>(`/api/model/${enc(d.id)}/family?limit=2000`);
      if (this.edgesFor !== d.id) return;
      const rowOf = new Map(fam.nodes.map((n) => [n.id, n.row]));
      const pos: number[] = [], col: number[] = [];
      for (const e of fam.edges) {
        const a = rowOf.get(e.parent), b = rowOf.get(e.child);
        if (a === undefined || b === undefined) continue;
        const cc = new THREE.Color(EDGE_COLORS[e.type] ?? '#888888');
        pos.push(c[3 * a], c[3 * a + 1], c[3 * a + 2], c[3 * b], c[3 * b + 1], c[3 * b + 2]);
        col.push(cc.r, cc.g, cc.b, cc.r, cc.g, cc.b);
      }
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(pos, 3));
      g.setAttribute('color', new THREE.Float32BufferAttribute(col, 3));
      this.edges = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.85 }));
      this.scene.add(this.edges);
      this.render();
      this.info.textContent = `${p.n.toLocaleString()} models · ${d.id}: ${fam.edges.length.toLocaleString()} family edges shown`;
    } catch { /* no lineage in this map */ }
  }
}
