import { describe, it, expect } from 'vitest';
import { decodePoints, PointsFormatError, logCode, logCodeValue, monthCode, monthLabel, parseMonth } from '../src/points';

// Builds a body with the documented layout: "HVPT" | u32 1 | u32 H | header | 8-aligned buffers.
function body(n: number, opts: { dims?: number; hpad?: number; badMagic?: boolean; version?: number } = {}) {
  const dims = opts.dims ?? 2;
  const cols: { name: string; type: string; bytes: Uint8Array; components?: number }[] = [];
  const coords = new Float32Array(n * dims);
  for (let i = 0; i < n * dims; i++) coords[i] = i * 0.5 - 3;
  cols.push({ name: 'coords', type: 'f32', bytes: new Uint8Array(coords.buffer), components: dims });
  const lib = new Uint8Array(n); for (let i = 0; i < n; i++) lib[i] = i === n - 1 ? 255 : i % 3;
  cols.push({ name: 'library', type: 'u8', bytes: lib });
  const created = new Uint16Array(n); for (let i = 0; i < n; i++) created[i] = 600 + i;
  cols.push({ name: 'created', type: 'u16', bytes: new Uint8Array(created.buffer) });
  const fam = new Uint32Array(n); for (let i = 0; i < n; i++) fam[i] = 70000 + i;
  cols.push({ name: 'family', type: 'u32', bytes: new Uint8Array(fam.buffer) });
  // Header size is fixed by padding so offsets can be computed first.
  const H = 2048 + (opts.hpad ?? 0);
  let off = 12 + H;
  const align = (v: number) => (v + 7) & ~7;
  const buffers = cols.map((c) => {
    off = align(off);
    const b = { name: c.name, type: c.type, offset: off, length: c.bytes.length, ...(c.components ? { components: c.components } : {}) };
    off += c.bytes.length;
    return b;
  });
  const header = {
    version: 1, n, dims, bounds: { min: [-3, -2.5], max: [5, 6] }, buffers,
    dictionaries: { library: ['none', 'transformers', 'diffusers'], family: [{ family: 70000, root: 'a/b', size: 9 }] },
  };
  const json = JSON.stringify(header).padEnd(H, ' ');
  const out = new Uint8Array(align(off));
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(opts.badMagic ? 'XXXX' : 'HVPT'), 0);
  dv.setUint32(4, opts.version ?? 1, true);
  dv.setUint32(8, H, true);
  out.set(new TextEncoder().encode(json), 12);
  buffers.forEach((b, k) => out.set(cols[k].bytes, b.offset));
  return { buf: out.buffer, header, coords, lib, created, fam };
}

describe('decodePoints', () => {
  it('reads the header and gives typed views at the documented offsets', () => {
    const { buf, header, coords, lib, created, fam } = body(5);
    const p = decodePoints(buf);
    expect(p.n).toBe(5);
    expect(p.dims).toBe(2);
    expect(p.header.bounds).toEqual(header.bounds);
    expect(Array.from(p.coords)).toEqual(Array.from(coords));
    expect(Array.from(p.columns.library)).toEqual(Array.from(lib));
    expect(Array.from(p.columns.created)).toEqual(Array.from(created));
    expect(Array.from(p.columns.family)).toEqual(Array.from(fam));
    // Views over the same body: no copy.
    expect(p.coords.buffer).toBe(buf);
    expect(p.columns.library.buffer).toBe(buf);
    expect(p.coords.byteOffset).toBe(header.buffers[0].offset);
    expect(p.columns.created.byteOffset % 8).toBe(0);
    expect(p.columns.family).toBeInstanceOf(Uint32Array);
    expect(p.columns.created).toBeInstanceOf(Uint16Array);
  });
  it('keeps the dictionaries', () => {
    const p = decodePoints(body(3).buf);
    expect(p.header.dictionaries.library).toEqual(['none', 'transformers', 'diffusers']);
    expect(p.header.dictionaries.family?.[0].root).toBe('a/b');
    const lib = p.columns.library;
    expect(p.header.dictionaries.library![lib[1]]).toBe('transformers');
    expect(lib[2]).toBe(255); // any other value
  });
  it('handles 3D coordinates', () => {
    const p = decodePoints(body(4, { dims: 3 }).buf);
    expect(p.dims).toBe(3);
    expect(p.coords.length).toBe(12);
  });
  it('rejects bad bodies with a reason', () => {
    expect(() => decodePoints(new ArrayBuffer(4))).toThrow(PointsFormatError);
    expect(() => decodePoints(body(2, { badMagic: true }).buf)).toThrow(/HVPT/);
    expect(() => decodePoints(body(2, { version: 2 }).buf)).toThrow(/version/);
    const { buf } = body(2);
    expect(() => decodePoints(buf.slice(0, 100))).toThrow(/past the body/);
  });
});

describe('codes', () => {
  it('log codes match round(log10(1 + v) * 25.5)', () => {
    expect(logCode(0)).toBe(0);
    expect(logCode(9)).toBe(26);
    expect(logCode(1e6)).toBe(153);
    expect(logCode(1e12)).toBe(255);
    expect(logCodeValue(0)).toBe(0);
    expect(Math.abs(logCode(logCodeValue(100)) - 100)).toBeLessThanOrEqual(1);
  });
  it('month codes: 1 = January 1970, 0 unknown', () => {
    expect(monthCode(1970, 1)).toBe(1);
    expect(monthLabel(1)).toBe('1970-01');
    expect(monthLabel(0)).toBe('unknown');
    expect(monthLabel(monthCode(2024, 12))).toBe('2024-12');
    expect(parseMonth('2023-06')).toBe(monthCode(2023, 6));
    expect(parseMonth('junk')).toBe(0);
  });
});
