import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '@shop/kit';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '../domain/cursor';
import {
  buildCategoryTree,
  normalizeQuery,
  type CategoryNode,
  type NewProduct,
  type NormalizedProductQuery,
  type ProductChanges,
  type ProductPage,
  type ProductQuery,
  type ProductView,
  type SortKey,
} from '../domain/product';
import { availableStock } from '../domain/stock';
import type { ProductStore } from '../ports';
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
  on_hand: number;
  reserved: number;
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
    const row = await this.selectViews().andWhere('p.id = CAST(:id AS uuid)', { id }).getRawOne<RawProduct>();
    return row ? toView(row) : undefined;
  }

  async categoryTree(): Promise<CategoryNode[]> {
    const rows: CategoryRow[] = await this.ds.getRepository(CategoryEntity).find({ order: { path: 'ASC' } });
    return buildCategoryTree(rows);
  }

  async create(product: NewProduct): Promise<ProductView> {
    const id = randomUUID();
    try {
      const inserted = await this.ds.query<{ id: string }[]>(
        `INSERT INTO product (id, sku, name, description, price_cents, currency, category_id, on_hand)
         SELECT $1, $2, $3, $4, $5, $6, c.id, $8 FROM category c WHERE c.slug = $7
         RETURNING id`,
        [
          id,
          product.sku,
          product.name,
          product.description,
          product.price.amount,
          product.price.currency,
          product.categorySlug,
          product.stock,
        ],
      );
      if (inserted.length === 0) throw unknownCategory();
    } catch (e) {
      if (isViolation(e, '23505', 'product_sku_key')) throw new ConflictError('duplicate-sku', `a product with SKU ${product.sku} exists`);
      throw e;
    }
    return (await this.getById(id))!;
  }

  async update(id: string, changes: ProductChanges): Promise<ProductView | undefined> {
    if (!isUuid(id)) return undefined;
    const set: string[] = [];
    const params: unknown[] = [id];
    const assign = (column: string, value: unknown) => set.push(`${column} = $${params.push(value)}`);
    if (changes.name !== undefined) assign('name', changes.name);
    if (changes.description !== undefined) assign('description', changes.description);
    if (changes.price !== undefined) {
      assign('price_cents', changes.price.amount);
      assign('currency', changes.price.currency);
    }
    if (changes.categorySlug !== undefined) {
      const [category] = await this.ds.query<{ id: string }[]>('SELECT id FROM category WHERE slug = $1', [changes.categorySlug]);
      if (!category) throw unknownCategory();
      assign('category_id', category.id);
    }
    if (set.length > 0) {
      const [, affected] = await this.ds.query<[unknown[], number]>(
        `UPDATE product SET ${set.join(', ')} WHERE id = $1 AND archived_at IS NULL`,
        params,
      );
      if (affected === 0) return undefined;
    }
    return this.getById(id);
  }

  async archive(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [, affected] = await this.ds.query<[unknown[], number]>(
      'UPDATE product SET archived_at = now() WHERE id = $1 AND archived_at IS NULL',
      [id],
    );
    return affected > 0;
  }

  private selectViews(): SelectQueryBuilder<ProductRow> {
    return (
      this.ds
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
        .addSelect('p.on_hand', 'on_hand')
        .addSelect('p.reserved', 'reserved')
        .addSelect('p.created_at', 'created_at')
        .addSelect('c.id', 'category_id')
        .addSelect('c.slug', 'category_slug')
        .addSelect('c.name', 'category_name')
        // Archived products are gone for every reader; only reservations still refer to them.
        .where('p.archived_at IS NULL')
    );
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
    // Written exactly as product_sold_out_idx's predicate, so the planner can use that index.
    if (query.inStock !== undefined) qb.andWhere(query.inStock ? 'p.on_hand > p.reserved' : 'p.on_hand <= p.reserved');
    // normalizeQuery has made sure every id is a UUID (a non-UUID would fail the cast) and there are 1 to MAX_IDS.
    if (query.ids !== undefined) qb.andWhere('p.id IN (:...ids)', { ids: query.ids });
  }
}

function unknownCategory(): ValidationError {
  return new ValidationError([{ field: 'body.categorySlug', message: 'names no category' }]);
}

/** Whether a query failed on the given PostgreSQL error code (and constraint, when named). */
export function isViolation(e: unknown, code: string, constraint?: string): boolean {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return err?.code === code && (constraint === undefined || err.constraint === constraint);
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
  const available = availableStock(row.on_hand, row.reserved);
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
    price: { amount: row.price_cents, currency: row.currency },
    stock: { available },
    inStock: available > 0,
    createdAt: row.created_at.toISOString(),
  };
}
