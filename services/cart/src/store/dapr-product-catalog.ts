import { AppError, DependencyError, check, invokeApp } from '@shop/kit';
import type { ProductSnapshot } from '../domain/cart';
import type { ProductCatalog } from './product-catalog';

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

/** The kit's DaprClient, named without a direct dependency on @dapr/dapr. */
type DaprClient = Parameters<typeof invokeApp>[0];

interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  stock: { available: number };
}

/**
 * Products from the catalog service (`GET /products/:id`) through Dapr service invocation, each call
 * bounded by `timeoutMs`: the SDK cannot abort a call, so a late answer is simply ignored.
 */
export class DaprProductCatalog implements ProductCatalog {
  constructor(
    private readonly client: DaprClient,
    private readonly appId: string,
    private readonly timeoutMs: number,
  ) {}

  async find(productId: string): Promise<ProductSnapshot | undefined> {
    let answer: unknown;
    try {
      answer = await this.withTimeout(invokeApp<unknown>(this.client, this.appId, `products/${encodeURIComponent(productId)}`));
    } catch (e) {
      if (e instanceof DependencyError) throw e;
      if (e instanceof AppError && e.status === 404) return undefined;
      // Any other refusal means the two services disagree about the API: not the cart's caller's fault.
      throw new DependencyError(`app ${this.appId}`, `GET /products/${productId} was refused`, e, 502);
    }
    const problems = check(catalogProductSchema, answer, 'body');
    if (problems.length) {
      throw new DependencyError(
        `app ${this.appId}`,
        `unexpected product answer: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    }
    const p = answer as CatalogProduct;
    return {
      productId: p.id,
      sku: p.sku,
      name: p.name,
      unitPrice: { amount: p.price.amount, currency: p.price.currency },
      available: p.stock.available,
    };
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
