import { describe, it, expect } from 'vitest';
import { colorMapping, NONE_COLOR } from '../src/colors';
import type { Points } from '../src/points';

function pts(columns: Record<string, Uint8Array | Uint16Array | Uint32Array>, dictionaries: Record<string, unknown>, n: number): Points {
  return { n, dims: 2, coords: new Float32Array(2 * n), columns, header: { version: 1, n, dims: 2, bounds: { min: [0, 0], max: [1, 1] }, buffers: [], dictionaries } } as Points;
}
const hex = (p: Uint8Array, code: number) => '#' + Array.from(p.subarray(4 * code, 4 * code + 3)).map((v) => v.toString(16).padStart(2, '0')).join('');

describe('colour mappings', () => {
  it('facets use the byte column itself, most frequent values first, none in grey', () => {
    const library = new Uint8Array([0, 1, 2, 2, 2, 1, 255, 0, 2]);
    const m = colorMapping('library', pts({ library }, { library: ['none', 'transformers', 'diffusers'] }, 9))!;
    expect(m.codes).toBe(library); // no copy
    expect(m.entries.map((e) => e.label)).toEqual(['diffusers', 'none', 'transformers', 'other values']);
    expect(m.entries.map((e) => e.count)).toEqual([4, 2, 2, 1]);
    expect(m.entries[0].value).toBe('diffusers');
    expect(hex(m.palette, 0)).toBe(NONE_COLOR);
    expect(hex(m.palette, 2)).not.toBe(hex(m.palette, 1));
  });
  it('family: the largest families get their own colour, the rest share one', () => {
    const family = new Uint32Array([70, 70, 9, 70, 12, 9]);
    const m = colorMapping('family', pts({ family }, { family: [{ family: 70, root: 'a/b', size: 3 }, { family: 9, root: 'c/d', size: 2 }] }, 6))!;
    expect(Array.from(m.codes)).toEqual([1, 1, 2, 1, 0, 2]);
    expect(m.entries[0].label).toContain('a/b');
    expect(m.entries[0].value).toBe('a/b');
  });
  it('created: a ramp over the months present, unknown dates apart', () => {
    const created = new Uint16Array([0, 600, 612, 624]);
    const m = colorMapping('created', pts({ created }, {}, 4))!;
    expect(m.kind).toBe('sequential');
    expect(Array.from(m.codes)).toEqual([0, 1, 128, 255]);
    expect(m.ramp?.lo).toBe('2019-12');
    expect(m.entries[0]).toMatchObject({ label: 'unknown date', count: 1 });
  });
  it('depth: one colour a generation, deep ones grouped', () => {
    const depth = new Uint8Array([0, 1, 1, 2, 30]);
    const m = colorMapping('depth', pts({ depth }, {}, 5))!;
    expect(m.entries.map((e) => e.count)).toEqual([1, 2, 1, 1]);
    expect(m.entries[m.entries.length - 1].label).toBe('12+ generations');
  });
  it('says when the map lacks the field', () => {
    expect(colorMapping('language', pts({}, {}, 3))).toBeNull();
  });
});
