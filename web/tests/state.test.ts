import { describe, it, expect } from 'vitest';
import { urlToState, stateToUrl, defaultState, filterParams, filtersActive, emptyFilters, type AppState } from '../src/state';

describe('URL state', () => {
  it('round-trips a full state', () => {
    const s: AppState = {
      view: 'family', colorBy: 'license', sizeBy: 'likes', model: 'meta-llama/Llama-2-7b-hf',
      filters: { ...emptyFilters(), minDownloads: 100, maxLikes: 5000, library: ['transformers', 'none'], language: ['English'],
        baseOnly: true, maxDepth: 3, createdFrom: '2023-01', createdTo: '2024-06', cluster: 7 },
      lasso: [1.5, 2, 3, 4.25, -1, 0.125],
      camera: { x: 1.2345, y: -6.5, zoom: 3.25 },
    };
    const url = stateToUrl(s);
    expect(url.startsWith('/family?')).toBe(true);
    expect(urlToState(url)).toEqual(s);
    expect(urlToState('http://host:8000' + url)).toEqual(s);
  });
  it('leaves defaults out and reads an empty URL as the default state', () => {
    expect(stateToUrl(defaultState())).toBe('/map');
    expect(urlToState('/')).toEqual(defaultState());
  });
  it('ignores malformed values instead of failing', () => {
    const s = urlToState('/nowhere?color=rainbow&size=huge&min_downloads=-5&cam=a,b,c&lasso=1,2&created_from=June&cluster=x');
    expect(s).toEqual(defaultState());
  });
  it('keeps model ids with slashes and odd characters', () => {
    const s = { ...defaultState(), model: 'org/name with spaces&more=1' };
    expect(urlToState(stateToUrl(s)).model).toBe('org/name with spaces&more=1');
  });
});

describe('filter state', () => {
  it('maps to the server parameters', () => {
    const f = { ...emptyFilters(), minDownloads: 10, library: ['a', 'b'], pipeline: ['p'], baseOnly: true, createdTo: '2024-06', cluster: 0 };
    const p = filterParams(f);
    expect(p.get('min_downloads')).toBe('10');
    expect(p.get('library')).toBe('a,b');
    expect(p.get('base_only')).toBe('true');
    expect(p.get('created_to')).toBe('2024-06');
    expect(p.get('cluster')).toBe('0');
    expect(p.has('max_downloads')).toBe(false);
    // Facet counts leave out the facet's own filter.
    expect(filterParams(f, 'library').has('library')).toBe(false);
    expect(filterParams(f, 'library').get('pipeline')).toBe('p');
  });
  it('knows when any filter is active', () => {
    expect(filtersActive(emptyFilters())).toBe(false);
    expect(filtersActive({ ...emptyFilters(), cluster: 0 })).toBe(true);
    expect(filtersActive({ ...emptyFilters(), maxDepth: 0 })).toBe(true);
    expect(filtersActive({ ...emptyFilters(), language: ['English'] })).toBe(true);
  });
});
