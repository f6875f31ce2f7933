import { ValidationError } from '@shop/kit';
import { randomUUID } from 'node:crypto';
import { buildCategoryTree, MAX_IDS, normalizeQuery, resolveSort } from '../../src/domain/product';

describe('normalizeQuery', () => {
  it('when minPrice is greater than maxPrice, then it throws a ValidationError naming query.minPrice', () => {
    const act = () => normalizeQuery({ minPrice: 5000, maxPrice: 1000, limit: 20 });
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(expect.objectContaining({ errors: [{ field: 'query.minPrice', message: 'must not be greater than maxPrice' }] }));
  });

  it('when minPrice equals maxPrice, then the query is accepted', () => {
    expect(normalizeQuery({ minPrice: 1000, maxPrice: 1000, limit: 20 })).toMatchObject({ minPrice: 1000, maxPrice: 1000 });
  });

  it.each([0, -1, 101, 2.5])('when limit is %p, then it is a ValidationError on query.limit', (limit) => {
    expect(() => normalizeQuery({ limit })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'query.limit' })] }),
    );
  });

  it('when q is only blanks, then it is dropped and the sort falls back to name_asc', () => {
    const normalized = normalizeQuery({ q: '   ', sort: 'relevance', limit: 10 });
    expect(normalized).not.toHaveProperty('q');
    expect(normalized.sort).toBe('name_asc');
  });

  it('when q has surrounding blanks, then they are trimmed and relevance is the default', () => {
    expect(normalizeQuery({ q: '  wireless headphones ', limit: 10 })).toEqual({ q: 'wireless headphones', sort: 'relevance', limit: 10 });
  });

  it('when ids are given, then they are kept once each, in lower case, beside the other filters', () => {
    const id = randomUUID();
    expect(normalizeQuery({ ids: [id.toUpperCase(), id, '00000000-0000-4000-8000-00000000000A'], inStock: true, limit: 5 })).toEqual({
      ids: [id, '00000000-0000-4000-8000-00000000000a'],
      inStock: true,
      sort: 'name_asc',
      limit: 5,
    });
  });

  it.each([
    ['none', []],
    [`${MAX_IDS + 1}`, Array.from({ length: MAX_IDS + 1 }, () => randomUUID())],
  ])('when %s ids are given, then it is a ValidationError on query.ids saying how many are allowed', (_n, ids) => {
    expect(() => normalizeQuery({ ids, limit: 20 })).toThrow(
      expect.objectContaining({ errors: [{ field: 'query.ids', message: `must name from 1 to ${MAX_IDS} products` }] }),
    );
  });

  it('when exactly MAX_IDS ids are given, then the query is accepted', () => {
    expect(normalizeQuery({ ids: Array.from({ length: MAX_IDS }, () => randomUUID()), limit: 20 }).ids).toHaveLength(MAX_IDS);
  });

  it("when one id is not a UUID, then it is a ValidationError on query.ids (the store would otherwise fail PostgreSQL's cast)", () => {
    expect(() => normalizeQuery({ ids: [randomUUID(), "1' OR '1'='1"], limit: 20 })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'query.ids' })] }),
    );
  });
});

describe('resolveSort', () => {
  it('when no sort is given, then it is relevance with text and name_asc without', () => {
    expect(resolveSort('lamp', undefined)).toBe('relevance');
    expect(resolveSort(undefined, undefined)).toBe('name_asc');
  });

  it('when relevance is asked for without text, then name_asc is used', () => {
    expect(resolveSort(undefined, 'relevance')).toBe('name_asc');
    expect(resolveSort('', 'relevance')).toBe('name_asc');
  });

  it.each(['price_asc', 'price_desc', 'name_asc', 'newest'] as const)(
    'when %s is asked for, then it is kept with or without text',
    (sort) => {
      expect(resolveSort('lamp', sort)).toBe(sort);
      expect(resolveSort(undefined, sort)).toBe(sort);
    },
  );
});

describe('buildCategoryTree', () => {
  it('when rows arrive in any order, then children hang under their parents, siblings sorted by name', () => {
    const tree = buildCategoryTree([
      { id: 'c3', slug: 'speakers', name: 'Speakers', parentId: 'c2' },
      { id: 'c4', slug: 'headphones', name: 'Headphones', parentId: 'c2' },
      { id: 'c2', slug: 'audio', name: 'Audio', parentId: 'c1' },
      { id: 'c5', slug: 'books', name: 'Books', parentId: null },
      { id: 'c1', slug: 'electronics', name: 'Electronics', parentId: null },
    ]);
    expect(tree.map((n) => n.slug)).toEqual(['books', 'electronics']);
    expect(tree[1]!.children[0]!.children.map((n) => n.slug)).toEqual(['headphones', 'speakers']);
    expect(tree[0]!.children).toEqual([]);
  });
});
