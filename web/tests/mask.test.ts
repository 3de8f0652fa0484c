import { describe, it, expect } from 'vitest';
import { computeMask, facetCodes, neededColumns } from '../src/mask';
import { emptyFilters } from '../src/state';
import { logCode, monthCode } from '../src/points';

const n = 6;
const input = {
  n,
  header: { dictionaries: { library: ['none', 'transformers', 'diffusers'] } },
  columns: {
    library: new Uint8Array([0, 1, 2, 1, 255, 2]),
    downloads: new Uint8Array([0, logCode(10), logCode(1000), logCode(1e6), logCode(50), 0]),
    flags: new Uint8Array([1, 0, 1, 0, 1, 3]),
    depth: new Uint8Array([0, 1, 0, 2, 0, 0]),
    cluster: new Uint8Array([0, 0, 1, 1, 2, 2]),
    created: new Uint16Array([0, monthCode(2023, 1), monthCode(2023, 6), monthCode(2024, 1), monthCode(2024, 7), monthCode(2022, 2)]),
  },
};

describe('filter mask', () => {
  const mask = new Uint8Array(n);
  it('passes everything without filters', () => {
    expect(computeMask(input, emptyFilters(), mask)).toBe(n);
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('facets: dictionary values, none, and values outside the dictionary (255)', () => {
    expect(computeMask(input, { ...emptyFilters(), library: ['transformers'] }, mask)).toBe(2);
    expect(Array.from(mask)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(computeMask(input, { ...emptyFilters(), library: ['none', 'diffusers'] }, mask)).toBe(3);
    expect(computeMask(input, { ...emptyFilters(), library: ['some-rare-lib'] }, mask)).toBe(1);
    expect(mask[4]).toBe(1);
    expect(Array.from(facetCodes(['none', 'x'], ['none', 'a'])).filter((v) => v).length).toBe(2);
  });
  it('ranges, base only, depth, cluster, created, combined with AND', () => {
    expect(computeMask(input, { ...emptyFilters(), minDownloads: 100 }, mask)).toBe(2);
    expect(computeMask(input, { ...emptyFilters(), minDownloads: 5, maxDownloads: 2000 }, mask)).toBe(3);
    expect(computeMask(input, { ...emptyFilters(), baseOnly: true }, mask)).toBe(4);
    expect(computeMask(input, { ...emptyFilters(), maxDepth: 0 }, mask)).toBe(4);
    expect(computeMask(input, { ...emptyFilters(), cluster: 2 }, mask)).toBe(2);
    expect(computeMask(input, { ...emptyFilters(), createdFrom: '2023-06', createdTo: '2024-01' }, mask)).toBe(2);
    expect(computeMask(input, { ...emptyFilters(), baseOnly: true, library: ['diffusers'], cluster: 2 }, mask)).toBe(1);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 1]);
  });
  it('says which extra columns a filter needs', () => {
    expect(neededColumns({ ...emptyFilters(), language: ['English'], createdFrom: '2020-01' })).toEqual(['language', 'created']);
    expect(neededColumns(emptyFilters())).toEqual([]);
  });
});
