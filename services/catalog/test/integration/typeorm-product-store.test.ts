import { ValidationError } from '@shop/kit';
import { createTempDatabase, type TempDatabase } from '@shop/testkit';
import type { DataSource } from 'typeorm';
import type { ProductQuery, ProductView, SortKey } from '../../src/domain/product';
import { buildSeedCatalog, seedCatalog, seedProductId, SEED_PRODUCT_COUNT } from '../../src/adapters/seed';
import { createDataSource, migrate } from '../../src/adapters/typeorm-data-source';
import { TypeOrmProductStore } from '../../src/adapters/typeorm-product-store';

// One database for the file: the seeded catalog is read-only here, so tests can share it.
let db: TempDatabase;
let ds: DataSource;
let store: TypeOrmProductStore;
let appliedByEachRun: string[][];
let seedRuns: { categories: number; products: number }[];
const catalog = buildSeedCatalog();

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await ds.query<{ n: string }[]>(sql, params);
  return Number(row!.n);
}

/** Follows nextCursor to the end; fails loudly instead of looping forever. */
async function allPages(query: ProductQuery): Promise<ProductView[]> {
  const items: ProductView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await store.search(cursor === undefined ? query : { ...query, cursor });
    items.push(...result.items);
    if (result.nextCursor === null) return items;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

beforeAll(async () => {
  db = await createTempDatabase('catalog_store');
  ds = await createDataSource(db.url).initialize();
  const other = await createDataSource(db.url).initialize();
  try {
    // Two "replicas" starting at once: the advisory lock must let exactly one apply the migration.
    appliedByEachRun = await Promise.all([migrate(ds), migrate(other)]);
  } finally {
    await other.destroy();
  }
  seedRuns = [await seedCatalog(ds), await seedCatalog(ds)];
  store = new TypeOrmProductStore(ds);
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

describe('migrate', () => {
  it('when two processes migrate concurrently, then each migration is applied exactly once, in order', async () => {
    expect(appliedByEachRun.flat()).toEqual(['CatalogInit1767225600000', 'CatalogStockReservations1767571200000']);
    expect(await count('SELECT count(*) AS n FROM catalog_migrations')).toBe(2);
    expect(await migrate(ds)).toEqual([]);
  });
});

describe('seedCatalog', () => {
  it('when seeded twice, then the tables hold exactly the seed, once', async () => {
    expect(seedRuns[0]).toEqual(seedRuns[1]);
    expect(seedRuns[0]!.products).toBe(SEED_PRODUCT_COUNT);
    expect(await count('SELECT count(*) AS n FROM product')).toBe(SEED_PRODUCT_COUNT);
    expect(await count('SELECT count(*) AS n FROM category')).toBe(seedRuns[0]!.categories);
  });
});

describe('search', () => {
  it('when searching by text, then every hit mentions the word (stemmed) and relevance is the default order', async () => {
    const page = await store.search({ q: 'headphones', limit: 50 });
    expect(page.items.length).toBeGreaterThan(10);
    expect(await store.search({ q: 'headphones', limit: 50, sort: 'relevance' })).toEqual(page);
    for (const item of page.items) expect(`${item.name} ${item.description}`.toLowerCase()).toContain('headphone');
    const all = await allPages({ q: 'headphones', limit: 50 });
    const expected = catalog.products.filter((p) => /headphone/i.test(`${p.name} ${p.description}`)).length;
    expect(all).toHaveLength(expected);
  });

  it("when searching for a brand, then only that brand's products come back", async () => {
    const items = await allPages({ q: 'Auralis', limit: 100 });
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(`${item.name} ${item.description}`).toContain('Auralis');
  });

  it('when filtering by a category, then its descendants are included and other categories excluded', async () => {
    const audio = catalog.categories.find((c) => c.slug === 'audio')!;
    const inside = new Set(
      catalog.categories.filter((c) => c.path === audio.path || c.path.startsWith(`${audio.path}/`)).map((c) => c.slug),
    );
    const items = await allPages({ category: 'audio', limit: 100 });
    const slugs = new Set(items.map((i) => i.category.slug));
    expect(slugs).toEqual(inside);
    expect(slugs.has('headphones')).toBe(true);
    expect(items).toHaveLength(
      catalog.products.filter((p) => inside.has(catalog.categories.find((c) => c.id === p.categoryId)!.slug)).length,
    );
  });

  it('when the category slug is unknown, then the page is empty', async () => {
    await expect(store.search({ category: 'no-such-category', limit: 10 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('when a price range is given, then every price is within it, bounds included', async () => {
    const items = await allPages({ minPrice: 2999, maxPrice: 9999, limit: 100 });
    expect(items.length).toBe(catalog.products.filter((p) => p.priceCents >= 2999 && p.priceCents <= 9999).length);
    for (const item of items) expect(item.price.amount).toBeGreaterThanOrEqual(2999);
    for (const item of items) expect(item.price.amount).toBeLessThanOrEqual(9999);
  });

  it('when minPrice is greater than maxPrice, then it is a validation error', async () => {
    await expect(store.search({ minPrice: 500, maxPrice: 100, limit: 10 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('when filtering on stock, then true gives only available products and false only sold-out ones', async () => {
    const available = await allPages({ inStock: true, category: 'electronics', limit: 100 });
    const soldOut = await allPages({ inStock: false, limit: 100 });
    expect(available.every((i) => i.inStock && i.stock.available > 0)).toBe(true);
    expect(soldOut.length).toBe(catalog.products.filter((p) => p.stock === 0).length);
    expect(soldOut.length).toBeGreaterThan(0);
    expect(soldOut.every((i) => !i.inStock && i.stock.available === 0)).toBe(true);
  });
});

describe('sorting and paging', () => {
  const isSorted = async (sort: SortKey, items: ProductView[]): Promise<boolean> => {
    const pairs = items.slice(1).map((item, i) => [items[i]!, item] as const);
    switch (sort) {
      case 'price_asc':
        return pairs.every(([a, b]) => a.price.amount < b.price.amount || (a.price.amount === b.price.amount && a.id < b.id));
      case 'price_desc':
        return pairs.every(([a, b]) => a.price.amount > b.price.amount || (a.price.amount === b.price.amount && a.id > b.id));
      case 'newest':
        return pairs.every(([a, b]) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id));
      default: {
        // Names follow the database collation, so let PostgreSQL judge each adjacent pair.
        const bad = await count(
          'SELECT count(*) AS n FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[]) AS t(a, b, ia, ib) WHERE (a, ia) >= (b, ib)',
          [pairs.map(([a]) => a.name), pairs.map(([, b]) => b.name), pairs.map(([a]) => a.id), pairs.map(([, b]) => b.id)],
        );
        return bad === 0;
      }
    }
  };

  it.each<SortKey>(['price_asc', 'price_desc', 'name_asc', 'newest'])('when sorting by %s, then pages are in that order', async (sort) => {
    const items = await allPages({ category: 'home', sort, limit: 25 });
    expect(items.length).toBeGreaterThan(50);
    expect(await isSorted(sort, items)).toBe(true);
  });

  it('when sorting by relevance, then a name match ranks above a description-only match', async () => {
    // "Bluetooth" is in a few names (Bluetooth Speaker) and in many more descriptions.
    const { items } = await store.search({ q: 'bluetooth', limit: 100 });
    const firstDescriptionOnly = items.findIndex((i) => !/bluetooth/i.test(i.name));
    const lastNameMatch = items.map((i) => /bluetooth/i.test(i.name)).lastIndexOf(true);
    expect(lastNameMatch).toBeGreaterThanOrEqual(0);
    expect(firstDescriptionOnly === -1 || lastNameMatch < firstDescriptionOnly).toBe(true);
  });

  it('when paging by relevance, then every match is visited once', async () => {
    const items = await allPages({ q: 'jacket', sort: 'relevance', limit: 7 });
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.length).toBe(catalog.products.filter((p) => /jacket/i.test(`${p.name} ${p.description}`)).length);
  });

  it.each<SortKey>(['name_asc', 'price_desc', 'newest'])(
    'when paging through a category with limit 7 sorted by %s, then every product is visited exactly once',
    async (sort) => {
      const items = await allPages({ category: 'sports', sort, limit: 7 });
      const expected = await count(
        `SELECT count(*) AS n FROM product p JOIN category c ON c.id = p.category_id WHERE c.path = 'sports' OR c.path LIKE 'sports/%'`,
      );
      expect(expected).toBeGreaterThan(7);
      expect(items).toHaveLength(expected);
      expect(new Set(items.map((i) => i.id)).size).toBe(expected);
    },
  );

  it('when a cursor from one sort is used with another, then it is rejected as a validation error', async () => {
    const { nextCursor } = await store.search({ sort: 'price_asc', limit: 5 });
    expect(nextCursor).not.toBeNull();
    await expect(store.search({ sort: 'name_asc', limit: 5, cursor: nextCursor! })).rejects.toBeInstanceOf(ValidationError);
  });

  it('when the last page is reached, then nextCursor is null', async () => {
    const page = await store.search({ category: 'helmets', limit: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.nextCursor).toBeNull();
  });
});

describe('search by ids', () => {
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  it('when ids are given, then exactly the known products come back, each as getById shows it; unknown ids are absent', async () => {
    const seeded = [5, 7, 9].map(seedProductId);
    const page = await store.search({ ids: [seeded[0]!, UNKNOWN, seeded[1]!.toUpperCase(), seeded[2]!], limit: 50 });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((i) => i.id).sort()).toEqual([...seeded].sort());
    for (const item of page.items) expect(item).toEqual(await store.getById(item.id));
  });

  it('when only unknown ids are given, then the page is empty', async () => {
    await expect(store.search({ ids: [UNKNOWN], limit: 10 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('when ids are combined with a filter, then only the listed products that pass it come back', async () => {
    const soldOut = catalog.products
      .filter((p) => p.stock === 0)
      .map((p) => p.id)
      .slice(0, 3);
    const available = catalog.products
      .filter((p) => p.stock > 0)
      .map((p) => p.id)
      .slice(0, 5);
    expect(soldOut).toHaveLength(3);
    const items = await allPages({ ids: [...soldOut, ...available], inStock: true, limit: 50 });
    expect(items.map((i) => i.id).sort()).toEqual([...available].sort());
  });

  it('when ids are paged with a small limit, then each listed product is visited once, in the sort asked', async () => {
    const listed = catalog.products.slice(100, 111).map((p) => p.id);
    const items = await allPages({ ids: listed, sort: 'price_asc', limit: 3 });
    expect(items.map((i) => i.id).sort()).toEqual([...listed].sort());
    const prices = items.map((i) => i.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('when more than 50 ids are given, then it is a validation error', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => seedProductId(i));
    await expect(store.search({ ids, limit: 100 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('getById and categoryTree', () => {
  it('when the id is seeded, then the view carries its category, price and stock', async () => {
    const seeded = catalog.products[42]!;
    const view = await store.getById(seedProductId(42));
    const category = catalog.categories.find((c) => c.id === seeded.categoryId)!;
    expect(view).toEqual({
      id: seeded.id,
      sku: seeded.sku,
      name: seeded.name,
      description: seeded.description,
      category: { id: category.id, slug: category.slug, name: category.name },
      price: { amount: seeded.priceCents, currency: 'USD' },
      stock: { available: seeded.stock },
      inStock: seeded.stock > 0,
      createdAt: seeded.createdAt,
    });
  });

  it('when the id is unknown or not a UUID, then the result is undefined', async () => {
    await expect(store.getById('00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
    await expect(store.getById("1' OR '1'='1")).resolves.toBeUndefined();
  });

  it('when the tree is read, then it has the seeded roots with three levels', async () => {
    const tree = await store.categoryTree();
    expect(tree.map((n) => n.slug).sort()).toEqual(
      catalog.categories
        .filter((c) => c.parentId === null)
        .map((c) => c.slug)
        .sort(),
    );
    const electronics = tree.find((n) => n.slug === 'electronics')!;
    const audio = electronics.children.find((n) => n.slug === 'audio')!;
    expect(audio.children.map((n) => n.slug)).toEqual(expect.arrayContaining(['headphones', 'speakers']));
  });
});
