import { catalogHttp } from '@shop/contracts';
import { UUID_PATTERN, ValidationError, type FieldProblem } from '@shop/kit';

/** The public JSON shape of one product. Money is an integer in minor units plus its currency. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: { id: string; slug: string; name: string };
  price: { amount: number; currency: string };
  stock: { available: number };
  inStock: boolean;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** What an admin gives to add a product; the stock is the initial on-hand quantity. */
export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  categorySlug: string;
  price: { amount: number; currency: string };
  stock: number;
}

/** An admin's partial edit of a product; stock has its own operation (PUT /products/:id/stock). */
export interface ProductChanges {
  name?: string;
  description?: string;
  categorySlug?: string;
  price?: { amount: number; currency: string };
}

export interface CategoryNode {
  id: string;
  slug: string;
  name: string;
  children: CategoryNode[];
}

export type SortKey = 'relevance' | 'price_asc' | 'price_desc' | 'name_asc' | 'newest';
export const SORT_KEYS: readonly SortKey[] = ['relevance', 'price_asc', 'price_desc', 'name_asc', 'newest'];

export interface ProductQuery {
  /** Free text, in web-search syntax ("quoted phrase", -excluded, or). */
  q?: string;
  /** A category slug; the category's descendants are included. */
  category?: string;
  /** Inclusive bounds, in minor units. */
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort?: SortKey;
  limit: number;
  cursor?: string;
  /**
   * Only these products (at most MAX_IDS); an id naming no product, or an archived one, is simply
   * absent. A filter like the others: it combines with all of them and the answer is still a page.
   */
  ids?: string[];
}

export interface ProductPage {
  items: ProductView[];
  nextCursor: string | null;
}

/** A query after the rules ran: the sort is decided and `q` is either meaningful text or absent. */
export interface NormalizedProductQuery extends Omit<ProductQuery, 'sort'> {
  sort: SortKey;
}

/**
 * The largest PostgreSQL integer (prices and stock are stored as one, so no bound or cursor may pass it),
 * and the most products one `ids` filter may name: declared with the catalog's HTTP contract.
 */
export const { MAX_INT, MAX_IDS } = catalogHttp;

/** The store fetches limit + 1 rows, so the ceiling also bounds one query's work. */
export const MAX_PAGE_SIZE = 100;

/**
 * Applies the catalog's query rules: a price range that cannot match anything is a client mistake, not
 * an empty page; relevance only means something when there is text to be relevant to.
 */
export function normalizeQuery(query: ProductQuery): NormalizedProductQuery {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
    problems.push({ field: 'query.limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
  }
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    problems.push({ field: 'query.minPrice', message: 'must not be greater than maxPrice' });
  }
  if (query.ids !== undefined) problems.push(...idsProblems(query.ids));
  if (problems.length > 0) throw new ValidationError(problems);

  const q = query.q?.trim() || undefined;
  const normalized: NormalizedProductQuery = { ...query, sort: resolveSort(q, query.sort) };
  if (q === undefined) delete normalized.q;
  else normalized.q = q;
  // PostgreSQL compares UUIDs case-insensitively; one spelling per product keeps the filter small.
  if (query.ids !== undefined) normalized.ids = [...new Set(query.ids.map((id) => id.toLowerCase()))];
  return normalized;
}

function idsProblems(ids: readonly string[]): FieldProblem[] {
  if (ids.length < 1 || ids.length > MAX_IDS) return [{ field: 'query.ids', message: `must name from 1 to ${MAX_IDS} products` }];
  if (!ids.every((id) => UUID_PATTERN.test(id)))
    return [{ field: 'query.ids', message: 'must be product ids (UUIDs) separated by commas' }];
  return [];
}

export function resolveSort(q: string | undefined, sort: SortKey | undefined): SortKey {
  const hasText = q !== undefined && q.trim() !== '';
  if (sort === undefined) return hasText ? 'relevance' : 'name_asc';
  if (sort === 'relevance' && !hasText) return 'name_asc';
  return sort;
}

export interface CategoryRecord {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
}

/** Assembles the flat category rows into a forest, siblings by name; orphans become roots. */
export function buildCategoryTree(records: readonly CategoryRecord[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>();
  for (const r of records) nodes.set(r.id, { id: r.id, slug: r.slug, name: r.name, children: [] });
  const roots: CategoryNode[] = [];
  for (const r of records) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const byName = (a: CategoryNode, b: CategoryNode): number => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id);
  const sortDeep = (list: CategoryNode[]): void => {
    list.sort(byName);
    for (const n of list) sortDeep(n.children);
  };
  sortDeep(roots);
  return roots;
}
