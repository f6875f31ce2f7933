import { buildSeedCatalog, seedProductId, SEED_PRODUCT_COUNT, stableUuid } from '../../src/adapters/seed';

const catalog = buildSeedCatalog();
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seed catalog data', () => {
  it('when built twice, then it is identical', () => {
    expect(buildSeedCatalog()).toEqual(catalog);
  });

  it('when built, then it has SEED_PRODUCT_COUNT (at least 1,000) products with unique skus, ids and well-formed values', () => {
    expect(SEED_PRODUCT_COUNT).toBeGreaterThanOrEqual(1000);
    expect(catalog.products).toHaveLength(SEED_PRODUCT_COUNT);
    expect(new Set(catalog.products.map((p) => p.sku)).size).toBe(SEED_PRODUCT_COUNT);
    expect(new Set(catalog.products.map((p) => p.id)).size).toBe(SEED_PRODUCT_COUNT);
    for (const p of catalog.products) {
      expect(p.id).toMatch(UUID_V5);
      expect(Number.isInteger(p.priceCents) && p.priceCents > 0).toBe(true);
      expect(Number.isInteger(p.stock) && p.stock >= 0).toBe(true);
      expect(new Date(p.createdAt).toISOString()).toBe(p.createdAt);
      expect(p.name.length).toBeLessThanOrEqual(200);
    }
  });

  it('when built, then categories nest three levels deep and every path matches its parent chain', () => {
    const byId = new Map(catalog.categories.map((c) => [c.id, c]));
    expect(Math.max(...catalog.categories.map((c) => c.depth))).toBe(3);
    expect(new Set(catalog.categories.map((c) => c.slug)).size).toBe(catalog.categories.length);
    for (const c of catalog.categories) {
      const parent = c.parentId === null ? undefined : byId.get(c.parentId);
      expect(c.path).toBe(parent ? `${parent.path}/${c.slug}` : c.slug);
      expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(byId.get(catalog.products.find((p) => /Headphones/.test(p.name))!.categoryId)!.path).toBe('electronics/audio/headphones');
  });

  it('when built, then parents precede children and every leaf category has products', () => {
    const seen = new Set<string>();
    for (const c of catalog.categories) {
      if (c.parentId !== null) expect(seen.has(c.parentId)).toBe(true);
      seen.add(c.id);
    }
    const leaves = catalog.categories.filter((c) => !catalog.categories.some((d) => d.parentId === c.id));
    const used = new Set(catalog.products.map((p) => p.categoryId));
    for (const leaf of leaves) expect(used.has(leaf.id)).toBe(true);
    for (const p of catalog.products) expect(seen.has(p.categoryId)).toBe(true);
  });

  it('when built, then a few products (1-10%) are out of stock', () => {
    const soldOut = catalog.products.filter((p) => p.stock === 0).length;
    expect(soldOut).toBeGreaterThanOrEqual(SEED_PRODUCT_COUNT * 0.01);
    expect(soldOut).toBeLessThanOrEqual(SEED_PRODUCT_COUNT * 0.1);
  });

  it("when asked for a product id by index, then it is that product's stable id, and out of range throws", () => {
    expect(seedProductId(0)).toBe(catalog.products[0]!.id);
    expect(seedProductId(SEED_PRODUCT_COUNT - 1)).toBe(catalog.products[SEED_PRODUCT_COUNT - 1]!.id);
    expect(seedProductId(7)).toBe(stableUuid(`product:${catalog.products[7]!.sku}`));
    expect(() => seedProductId(SEED_PRODUCT_COUNT)).toThrow(RangeError);
  });

  it('when the same name is hashed, then the same v5-style UUID comes out, and a different name differs', () => {
    expect(stableUuid('category:audio')).toBe(stableUuid('category:audio'));
    expect(stableUuid('category:audio')).not.toBe(stableUuid('category:audi0'));
    expect(stableUuid('x')).toMatch(UUID_V5);
  });
});
