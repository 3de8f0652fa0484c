// The 2D map: one WebGL2 draw call over the /api/points buffers, uploaded
// as they arrived (the coords view goes to the GPU without a copy).  Colour
// is a byte code looked up in a 256-entry palette texture; size is a byte
// code (log downloads/likes/trending); a mask byte fades filtered-out points
// (drawn behind the passing ones through the depth test).

export interface Camera { x: number; y: number; zoom: number }

const VS = `#version 300 es
precision highp float;
in vec2 a_pos;
in float a_color;
in float a_size;
in float a_mask;
uniform vec2 u_center;
uniform vec2 u_scale;
uniform float u_point;
uniform float u_sizeBy;
uniform float u_fade;
uniform float u_back;
uniform sampler2D u_palette;
out vec4 v_color;
out float v_round;
void main() {
  vec2 p = (a_pos - u_center) * u_scale;
  bool pass = a_mask > 0.5;
  // Depth order: passing points with a value, then "none"/"other" (when
  // u_back), then filtered-out points, whatever their row order.
  bool back = u_back > 0.5 && (a_color < 0.5 || a_color > 254.5);
  gl_Position = vec4(p, pass ? (back ? 0.25 : 0.0) : 0.6, 1.0);
  vec4 c = texelFetch(u_palette, ivec2(int(a_color), 0), 0);
  float size = u_point * (u_sizeBy > 0.5 ? 0.7 + 1.8 * a_size : 1.0);
  if (!pass) { c.a *= u_fade; size = max(1.0, size * 0.7); }
  v_color = c;
  v_round = size >= 3.0 ? 1.0 : 0.0;
  gl_PointSize = size;
}`;

const FS = `#version 300 es
precision mediump float;
in vec4 v_color;
in float v_round;
out vec4 outColor;
void main() {
  if (v_round > 0.5) {
    vec2 d = gl_PointCoord - vec2(0.5);
    if (dot(d, d) > 0.25) discard;
  }
  outColor = v_color;
}`;

// Overlay: highlighted points (rings) and family edges, a few thousand at most.
const OVS = `#version 300 es
precision highp float;
in vec2 a_pos;
in vec4 a_rgba;
uniform vec2 u_center;
uniform vec2 u_scale;
uniform float u_point;
out vec4 v_rgba;
void main() {
  gl_Position = vec4((a_pos - u_center) * u_scale, -0.5, 1.0);
  gl_PointSize = u_point;
  v_rgba = a_rgba;
}`;
const OFS = `#version 300 es
precision mediump float;
in vec4 v_rgba;
uniform float u_ring;
out vec4 outColor;
void main() {
  if (u_ring > 0.5) {
    vec2 d = gl_PointCoord - vec2(0.5);
    float r = dot(d, d);
    if (r > 0.25) discard;
    outColor = r > 0.12 ? v_rgba : vec4(v_rgba.rgb, 0.25);
  } else {
    outColor = v_rgba;
  }
}`;

// The cached points image, drawn as a full-screen quad; during a pan or zoom
// it is shifted and scaled to the new camera until the points are redrawn.
const QVS = `#version 300 es
precision highp float;
in vec2 a_xy;
uniform vec2 u_scale;
uniform vec2 u_offset;
out vec2 v_uv;
void main() {
  gl_Position = vec4(a_xy, 0.0, 1.0);
  v_uv = (a_xy * u_scale + u_offset) * 0.5 + 0.5;
}`;
const QFS = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_tex;
out vec4 outColor;
void main() {
  if (v_uv.x < 0.0 || v_uv.y < 0.0 || v_uv.x > 1.0 || v_uv.y > 1.0) discard;
  outColor = texture(u_tex, v_uv);
}`;

function compile(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const mk = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error('shader: ' + gl.getShaderInfoLog(s));
    return s;
  };
  const p = gl.createProgram()!;
  gl.attachShader(p, mk(gl.VERTEX_SHADER, vs));
  gl.attachShader(p, mk(gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error('program: ' + gl.getProgramInfoLog(p));
  return p;
}

export interface OverlayItem { x: number; y: number; rgba: [number, number, number, number] }

export class MapRenderer {
  readonly canvas: HTMLCanvasElement;
  private gl: WebGL2RenderingContext;
  private prog: WebGLProgram;
  private oprog: WebGLProgram;
  private vao: WebGLVertexArrayObject;
  private bufs: Record<string, WebGLBuffer> = {};
  private palette: WebGLTexture;
  private ovao: WebGLVertexArrayObject;
  private opos: WebGLBuffer;
  private orgba: WebGLBuffer;
  private rings: OverlayItem[] = [];
  private lines: OverlayItem[] = [];
  private n = 0;
  private span = 1;
  private centerX = 0;
  private centerY = 0;
  camera: Camera = { x: 0, y: 0, zoom: 1 };
  sizeBy = false;
  backNone = false;
  basePoint = 2;
  fade = 0.12;
  private dirty = true;
  // Offscreen cache of the points pass (see QVS).
  private qprog: WebGLProgram;
  private qvao: WebGLVertexArrayObject;
  private fbo: WebGLFramebuffer | null = null;
  private fboTex: WebGLTexture | null = null;
  private fboDepth: WebGLRenderbuffer | null = null;
  private fboW = 0;
  private fboH = 0;
  private cacheCam: Camera | null = null;
  private pointsDirty = true;
  private settle = 0;
  /** The last full points pass took long enough (software GL) that pans and zooms preview the cached image. */
  slow = false;
  lastPointsMs = 0;
  private raf = 0;
  onFrame: (() => void) | null = null;
  frames = 0;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const gl = canvas.getContext('webgl2', { antialias: false, depth: true, premultipliedAlpha: true, preserveDrawingBuffer: true });
    if (!gl) throw new Error('WebGL2 is not available in this browser: the map cannot be drawn.');
    this.gl = gl;
    this.prog = compile(gl, VS, FS);
    this.oprog = compile(gl, OVS, OFS);
    this.vao = gl.createVertexArray()!;
    this.ovao = gl.createVertexArray()!;
    this.opos = gl.createBuffer()!;
    this.orgba = gl.createBuffer()!;
    this.qprog = compile(gl, QVS, QFS);
    this.qvao = gl.createVertexArray()!;
    gl.bindVertexArray(this.qvao);
    const qb = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, qb);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
    const ql = gl.getAttribLocation(this.qprog, 'a_xy');
    gl.enableVertexAttribArray(ql);
    gl.vertexAttribPointer(ql, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.palette = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.bindVertexArray(this.ovao);
    const opl = gl.getAttribLocation(this.oprog, 'a_pos');
    gl.bindBuffer(gl.ARRAY_BUFFER, this.opos);
    gl.enableVertexAttribArray(opl);
    gl.vertexAttribPointer(opl, 2, gl.FLOAT, false, 0, 0);
    const orl = gl.getAttribLocation(this.oprog, 'a_rgba');
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orgba);
    gl.enableVertexAttribArray(orl);
    gl.vertexAttribPointer(orl, 4, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
  }

  private attr(name: string, data: ArrayBufferView, size: number, type: number) {
    const gl = this.gl;
    const loc = gl.getAttribLocation(this.prog, name);
    let b = this.bufs[name];
    if (!b) { b = gl.createBuffer()!; this.bufs[name] = b; }
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, size, type, type === gl.UNSIGNED_BYTE && name === 'a_size', 0, 0);
    gl.bindVertexArray(null);
    this.pointsDirty = true;
  }

  setPoints(coords: Float32Array, n: number, min: number[], max: number[]) {
    this.n = n;
    // Home: the box holding the middle 99% of the points on each axis (a
    // few outliers should not shrink the map), from a sample of ≤ 20k rows.
    const step = Math.max(1, Math.floor(n / 20000));
    const xs: number[] = [], ys: number[] = [];
    for (let i = 0; i < n; i += step) { xs.push(coords[2 * i]); ys.push(coords[2 * i + 1]); }
    xs.sort((a, b) => a - b); ys.sort((a, b) => a - b);
    const q = (a: number[], t: number) => a[Math.min(a.length - 1, Math.max(0, Math.round(t * (a.length - 1))))];
    const lo = xs.length ? [q(xs, 0.005), q(ys, 0.005)] : min, hi = xs.length ? [q(xs, 0.995), q(ys, 0.995)] : max;
    this.span = Math.max(hi[0] - lo[0], hi[1] - lo[1]) || Math.max(max[0] - min[0], max[1] - min[1]) || 1;
    this.centerX = (lo[0] + hi[0]) / 2;
    this.centerY = (lo[1] + hi[1]) / 2;
    this.camera = { x: this.centerX, y: this.centerY, zoom: 1 };
    this.attr('a_pos', coords, 2, this.gl.FLOAT);
    this.basePoint = Math.max(1, Math.min(5, 420 / Math.sqrt(Math.max(1, n))));
    this.fade = n > 500000 ? 0.07 : 0.12;
    this.redraw();
  }
  setColors(codes: Uint8Array) { this.attr('a_color', codes, 1, this.gl.UNSIGNED_BYTE); this.redraw(); }
  setSizes(codes: Uint8Array | null) {
    this.sizeBy = !!codes;
    this.pointsDirty = true;
    if (codes) this.attr('a_size', codes, 1, this.gl.UNSIGNED_BYTE);
    this.redraw();
  }
  setMask(mask: Uint8Array) { this.attr('a_mask', mask, 1, this.gl.UNSIGNED_BYTE); this.redraw(); }
  setPalette(rgba: Uint8Array) {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    this.pointsDirty = true;
    this.redraw();
  }
  setRings(items: OverlayItem[]) { this.rings = items; this.redraw(); }
  setLines(items: OverlayItem[]) { this.lines = items; this.redraw(); }

  get home(): Camera { return { x: this.centerX, y: this.centerY, zoom: 1 }; }
  get width() { return this.canvas.clientWidth || 1; }
  get height() { return this.canvas.clientHeight || 1; }
  // Pixels (CSS) per data unit at the current zoom.
  get ppu() { return (Math.min(this.width, this.height) / this.span) * 0.92 * this.camera.zoom; }
  get dataSpan() { return this.span; }

  toData(sx: number, sy: number): [number, number] {
    const k = this.ppu;
    return [this.camera.x + (sx - this.width / 2) / k, this.camera.y - (sy - this.height / 2) / k];
  }
  toScreen(x: number, y: number): [number, number] {
    const k = this.ppu;
    return [this.width / 2 + (x - this.camera.x) * k, this.height / 2 - (y - this.camera.y) * k];
  }
  // The visible rectangle in data units.
  viewBox(): [number, number, number, number] {
    const [x0, y1] = this.toData(0, 0);
    const [x1, y0] = this.toData(this.width, this.height);
    return [x0, y0, x1, y1];
  }

  redraw() {
    this.dirty = true;
    if (!this.raf) this.raf = requestAnimationFrame(() => { this.raf = 0; if (this.dirty) this.draw(); });
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.width * dpr), h = Math.round(this.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; this.pointsDirty = true; }
    this.redraw();
  }

  private pointSize(): number {
    const dpr = window.devicePixelRatio || 1;
    return Math.min(9, this.basePoint * Math.pow(this.camera.zoom, 0.33)) * dpr;
  }

  /** Redraw the points themselves at the next frame (not only the overlay). */
  invalidate() { this.pointsDirty = true; this.redraw(); }

  private ensureFbo(w: number, h: number) {
    const gl = this.gl;
    if (this.fbo && this.fboW === w && this.fboH === h) return;
    if (!this.fbo) {
      this.fbo = gl.createFramebuffer();
      this.fboTex = gl.createTexture();
      this.fboDepth = gl.createRenderbuffer();
    }
    gl.bindTexture(gl.TEXTURE_2D, this.fboTex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.bindRenderbuffer(gl.RENDERBUFFER, this.fboDepth);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, w, h);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.fboTex, 0);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, this.fboDepth);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.fboW = w; this.fboH = h;
    this.pointsDirty = true;
  }

  private scale(): [number, number] {
    const k = this.ppu;
    return [(2 * k) / this.width, (2 * k) / this.height];
  }

  // The points pass, into the offscreen image.
  private drawPoints(w: number, h: number) {
    const gl = this.gl;
    const t0 = performance.now();
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.viewport(0, 0, w, h);
    gl.clearColor(0, 0, 0, 0);
    gl.clearDepth(1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.BLEND);
    // Premultiplied result, so the image composes correctly on the page.
    gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    const [sx, sy] = this.scale();
    gl.useProgram(this.prog);
    gl.uniform2f(gl.getUniformLocation(this.prog, 'u_center'), this.camera.x, this.camera.y);
    gl.uniform2f(gl.getUniformLocation(this.prog, 'u_scale'), sx, sy);
    gl.uniform1f(gl.getUniformLocation(this.prog, 'u_point'), this.pointSize());
    gl.uniform1f(gl.getUniformLocation(this.prog, 'u_sizeBy'), this.sizeBy ? 1 : 0);
    gl.uniform1f(gl.getUniformLocation(this.prog, 'u_fade'), this.fade);
    gl.uniform1f(gl.getUniformLocation(this.prog, 'u_back'), this.backNone ? 1 : 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.uniform1i(gl.getUniformLocation(this.prog, 'u_palette'), 0);
    gl.bindVertexArray(this.vao);
    if (!this.sizeBy) gl.disableVertexAttribArray(gl.getAttribLocation(this.prog, 'a_size'));
    else gl.enableVertexAttribArray(gl.getAttribLocation(this.prog, 'a_size'));
    gl.drawArrays(gl.POINTS, 0, this.n);
    gl.bindVertexArray(null);
    gl.disable(gl.DEPTH_TEST);
    // Wait for the pass once, to learn whether this GL is fast enough to
    // redraw every point on every pan and zoom frame.
    const px = new Uint8Array(4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.lastPointsMs = performance.now() - t0;
    this.slow = this.lastPointsMs > 40;
    this.cacheCam = { ...this.camera };
    this.pointsDirty = false;
  }

  draw() {
    // A hidden map (another view is showing) is not drawn: the points pass
    // costs as much on a 1-pixel canvas; resize() draws it when it shows again.
    if (!this.canvas.clientWidth || !this.canvas.clientHeight) { this.dirty = false; this.pointsDirty = true; return; }
    this.dirty = false;
    const gl = this.gl;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.width * dpr), h = Math.round(this.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, w, h);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (!this.n || !this.bufs.a_color || !this.bufs.a_mask) return;
    this.ensureFbo(w, h);
    const c = this.camera, k0 = this.cacheCam;
    const moved = !k0 || k0.x !== c.x || k0.y !== c.y || k0.zoom !== c.zoom;
    if (this.pointsDirty || (moved && !this.slow)) {
      this.drawPoints(w, h);
    } else if (moved) {
      // Software GL: show the cached image moved to the new camera, and
      // redraw the points once the camera has been still for a moment.
      clearTimeout(this.settle);
      this.settle = window.setTimeout(() => this.invalidate(), 160);
    }
    // Compose: the points image (shifted while previewing), then the overlay.
    const cc = this.cacheCam!;
    const r = cc.zoom / c.zoom;
    const [sx0, sy0] = [(2 * (Math.min(this.width, this.height) / this.span) * 0.92 * cc.zoom) / this.width, (2 * (Math.min(this.width, this.height) / this.span) * 0.92 * cc.zoom) / this.height];
    gl.useProgram(this.qprog);
    gl.uniform2f(gl.getUniformLocation(this.qprog, 'u_scale'), r, r);
    gl.uniform2f(gl.getUniformLocation(this.qprog, 'u_offset'), (c.x - cc.x) * sx0, (c.y - cc.y) * sy0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.fboTex);
    gl.uniform1i(gl.getUniformLocation(this.qprog, 'u_tex'), 0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.bindVertexArray(this.qvao);
    gl.drawArrays(gl.TRIANGLES, 0, 6);
    gl.bindVertexArray(null);
    gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    const [sx, sy] = this.scale();
    this.drawOverlay(this.lines, gl.LINES, sx, sy, 1, false);
    this.drawOverlay(this.rings, gl.POINTS, sx, sy, Math.max(12, this.pointSize() * 2.5), true);
    this.frames++;
    if (this.onFrame) this.onFrame();
  }

  private drawOverlay(items: OverlayItem[], mode: number, sx: number, sy: number, size: number, ring: boolean) {
    if (!items.length) return;
    const gl = this.gl;
    const pos = new Float32Array(items.length * 2), rgba = new Float32Array(items.length * 4);
    items.forEach((it, i) => { pos[2 * i] = it.x; pos[2 * i + 1] = it.y; rgba.set(it.rgba, 4 * i); });
    gl.useProgram(this.oprog);
    gl.bindVertexArray(this.ovao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.opos);
    gl.bufferData(gl.ARRAY_BUFFER, pos, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orgba);
    gl.bufferData(gl.ARRAY_BUFFER, rgba, gl.DYNAMIC_DRAW);
    gl.uniform2f(gl.getUniformLocation(this.oprog, 'u_center'), this.camera.x, this.camera.y);
    gl.uniform2f(gl.getUniformLocation(this.oprog, 'u_scale'), sx, sy);
    gl.uniform1f(gl.getUniformLocation(this.oprog, 'u_point'), size * (window.devicePixelRatio || 1));
    gl.uniform1f(gl.getUniformLocation(this.oprog, 'u_ring'), ring ? 1 : 0);
    gl.drawArrays(mode, 0, items.length);
    gl.bindVertexArray(null);
  }

  // Wait until the GPU has really finished the last frame (for measurements).
  finish(): void {
    const px = new Uint8Array(4);
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, px);
  }
}
