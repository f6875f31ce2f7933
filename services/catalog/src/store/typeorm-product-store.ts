import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '../domain/cursor';
import {
  buildCategoryTree,
  normalizeQuery,
  type CategoryNode,
  type NormalizedProductQuery,
  type ProductPage,
  type ProductQuery,
  type ProductView,
  type SortKey,
} from '../domain/product';
import type { ProductStore } from './product-store';
import { CategoryEntity, ProductEntity, type CategoryRow, type ProductRow } from './typeorm-entities';

const TS_QUERY = `websearch_to_tsquery('english', :q)`;
const RANK = `ts_rank(p.search, ${TS_QUERY})`;

/**
 * Each sort orders by (value, id) in ONE direction, so "after the cursor" is a single row comparison
 * that the (value, id) indexes answer with a range scan. `cast` types the cursor's value parameter.
 */
const ORDER: Record<SortKey, { expr: string; direction: 'ASC' | 'DESC'; cast: string }> = {
  relevance: { expr: RANK, direction: 'DESC', cast: 'real' },
  price_asc: { expr: 'p.price_cents', direction: 'ASC', cast: 'integer' },
  price_desc: { expr: 'p.price_cents', direction: 'DESC', cast: 'integer' },
  name_asc: { expr: 'p.name', direction: 'ASC', cast: 'text' },
  newest: { expr: 'p.created_at', direction: 'DESC', cast: 'timestamptz' },
};

interface RawProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  created_at: Date;
  category_id: string;
  category_slug: string;
  category_name: string;
  rank?: number;
}

export class TypeOrmProductStore implements ProductStore {
  constructor(private readonly ds: DataSource) {}

  async search(query: ProductQuery): Promise<ProductPage> {
    const normalized = normalizeQuery(query);
    // Decoded before any SQL runs: a bad cursor is the client's mistake whatever the data says.
    const after = normalized.cursor === undefined ? undefined : decodeCursor(normalized.cursor, normalized.sort);
    const order = ORDER[normalized.sort];

    const qb = this.selectViews();
    this.applyFilters(qb, normalized);
    if (normalized.sort === 'relevance') qb.addSelect(RANK, 'rank');
    if (after) {
      const comparator = order.direction === 'ASC' ? '>' : '<';
      qb.andWhere(`(${order.expr}, p.id) ${comparator} (CAST(:afterValue AS ${order.cast}), CAST(:afterId AS uuid))`, {
        afterValue: after.value,
        afterId: after.id,
      });
    }
    qb.orderBy(order.expr, order.direction)
      .addOrderBy('p.id', order.direction)
      .limit(normalized.limit + 1);

    const rows = await qb.getRawMany<RawProduct>();
    const hasMore = rows.length > normalized.limit;
    const page = hasMore ? rows.slice(0, normalized.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: hasMore && last ? encodeCursor({ sort: normalized.sort, value: sortValue(normalized.sort, last), id: last.id }) : null,
    };
  }

  async getById(id: string): Promise<ProductView | undefined> {
    // A non-UUID would make PostgreSQL raise a cast error; it simply names no product.
    if (!isUuid(id)) return undefined;
    const row = await this.selectViews().where('p.id = CAST(:id AS uuid)', { id }).getRawOne<RawProduct>();
    return row ? toView(row) : undefined;
  }

  async categoryTree(): Promise<CategoryNode[]> {
    const rows: CategoryRow[] = await this.ds.getRepository(CategoryEntity).find({ order: { path: 'ASC' } });
    return buildCategoryTree(rows);
  }

  private selectViews(): SelectQueryBuilder<ProductRow> {
    return this.ds
      .getRepository(ProductEntity)
      .createQueryBuilder('p')
      .innerJoin('p.category', 'c')
      .select([])
      .addSelect('p.id', 'id')
      .addSelect('p.sku', 'sku')
      .addSelect('p.name', 'name')
      .addSelect('p.description', 'description')
      .addSelect('p.price_cents', 'price_cents')
      .addSelect('p.currency', 'currency')
      .addSelect('p.stock', 'stock')
      .addSelect('p.created_at', 'created_at')
      .addSelect('c.id', 'category_id')
      .addSelect('c.slug', 'category_slug')
      .addSelect('c.name', 'category_name');
  }

  private applyFilters(qb: SelectQueryBuilder<ProductRow>, query: NormalizedProductQuery): void {
    if (query.q !== undefined) qb.andWhere(`p.search @@ ${TS_QUERY}`, { q: query.q });
    if (query.category !== undefined) {
      // The category itself and every category whose materialized path starts below it.
      qb.andWhere(
        `p.category_id IN (
           SELECT d.id FROM category root JOIN category d
             ON d.path = root.path OR starts_with(d.path, root.path || '/')
           WHERE root.slug = :category)`,
        { category: query.category },
      );
    }
    if (query.minPrice !== undefined) qb.andWhere('p.price_cents >= :minPrice', { minPrice: query.minPrice });
    if (query.maxPrice !== undefined) qb.andWhere('p.price_cents <= :maxPrice', { maxPrice: query.maxPrice });
    if (query.inStock !== undefined) qb.andWhere(query.inStock ? 'p.stock > 0' : 'p.stock = 0');
  }
}

function sortValue(sort: SortKey, row: RawProduct): number | string {
  switch (sort) {
    case 'relevance':
      return Number(row.rank);
    case 'price_asc':
    case 'price_desc':
      return row.price_cents;
    case 'name_asc':
      return row.name;
    case 'newest':
      return row.created_at.toISOString();
  }
}

function toView(row: RawProduct): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    price: { amount: row.price_cents, currency: row.currency },
    stock: { available: row.stock },
    inStock: row.stock > 0,
    createdAt: row.created_at.toISOString(),
  };
}
