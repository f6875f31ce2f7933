import { AppError, DependencyError, check, type JSONSchema, type Sidecar } from '@shop/kit';
import type { ProductSnapshot } from '../domain/cart';
import type { ProductCatalog } from '../ports';

/** The part of the catalog's product answer the cart relies on; anything else may change freely. */
const catalogProductSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    sku: { type: 'string' },
    name: { type: 'string' },
    price: {
      type: 'object',
      properties: { amount: { type: 'integer', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
      required: ['amount', 'currency'],
    },
    stock: { type: 'object', properties: { available: { type: 'integer', minimum: 0 } }, required: ['available'] },
  },
  required: ['id', 'sku', 'name', 'price', 'stock'],
} as const;

/** The catalog's page answer (`GET /products`), each item checked exactly as `GET /products/:id` is. */
const catalogPageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: catalogProductSchema } },
  required: ['items'],
} as const;

/** How many ids the catalog's `ids` filter takes at once (its MAX_IDS); the cart's MAX_LINES stays within it. */
const MAX_IDS_PER_CALL = 50;

interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  stock: { available: number };
}

const NOT_FOUND = Symbol('not found');

const toSnapshot = (p: CatalogProduct): ProductSnapshot => ({
  productId: p.id,
  sku: p.sku,
  name: p.name,
  unitPrice: { amount: p.price.amount, currency: p.price.currency },
  available: p.stock.available,
});

/**
 * Products from the catalog service through Dapr service invocation: one by `GET /products/:id`, many
 * at once by `GET /products?ids=…`. Each call is bounded by `timeoutMs`: the SDK cannot abort a call, so
 * a late answer is simply ignored.
 */
export class DaprProductCatalog implements ProductCatalog {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly appId: string,
    private readonly timeoutMs: number,
  ) {}

  async find(productId: string): Promise<ProductSnapshot | undefined> {
    const answer = await this.get(`products/${encodeURIComponent(productId)}`);
    if (answer === NOT_FOUND) return undefined;
    return toSnapshot(this.checked<CatalogProduct>(catalogProductSchema, answer, 'product'));
  }

  async findMany(productIds: readonly string[]): Promise<Map<string, ProductSnapshot>> {
    // The catalog compares ids case-insensitively and answers them in lower case; the map keeps the
    // caller's spelling, so the caller finds each product under the id it asked with.
    const asked = new Map(productIds.map((id) => [id.toLowerCase(), id]));
    if (asked.size === 0) return new Map();
    if (asked.size > MAX_IDS_PER_CALL) throw new RangeError(`at most ${MAX_IDS_PER_CALL} products per look-up, not ${asked.size}`);
    // A limit of the number of ids: every product found fits in the one page asked for.
    const query = new URLSearchParams({ ids: [...asked.keys()].join(','), limit: String(asked.size) });
    const answer = await this.get(`products?${query.toString()}`);
    if (answer === NOT_FOUND) throw this.refused(`GET /products?${query.toString()} answered 404`);
    const found = new Map<string, ProductSnapshot>();
    for (const p of this.checked<{ items: CatalogProduct[] }>(catalogPageSchema, answer, 'products').items) {
      const id = asked.get(p.id.toLowerCase());
      if (id === undefined) throw new DependencyError(`app ${this.appId}`, `unexpected products answer: ${p.id} was not asked for`);
      found.set(id, toSnapshot(p));
    }
    return found;
  }

  /** The catalog's answer to GET `path`, or NOT_FOUND for a 404; DependencyError when it cannot answer. */
  private async get(path: string): Promise<unknown> {
    try {
      return await this.withTimeout(this.sidecar.invoke<unknown>(this.appId, path));
    } catch (e) {
      if (e instanceof DependencyError) throw e;
      if (e instanceof AppError && e.status === 404) return NOT_FOUND;
      // Any other refusal means the two services disagree about the API: not the cart's caller's fault.
      throw this.refused(`GET /${path} was refused`, e);
    }
  }

  private checked<T>(schema: JSONSchema, answer: unknown, what: string): T {
    const problems = check(schema, answer, 'body');
    if (problems.length) {
      throw new DependencyError(
        `app ${this.appId}`,
        `unexpected ${what} answer: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    }
    return answer as T;
  }

  private refused(detail: string, cause?: unknown): DependencyError {
    return new DependencyError(`app ${this.appId}`, detail, cause, 502);
  }

  private async withTimeout<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DependencyError(`app ${this.appId}`, `no answer within ${this.timeoutMs} ms`, undefined, 504)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
