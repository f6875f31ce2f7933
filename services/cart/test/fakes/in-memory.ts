import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type Koa from 'koa';
import winston from 'winston';
import { DependencyError, EtagMismatchError, createLogger, type Logger } from '@shop/kit';
import type { Cart, ProductSnapshot } from '../../src/domain/cart';
import type { CartStore, StoredCart } from '../../src/ports';
import type { ProductCatalog } from '../../src/ports';

// In-memory stand-ins with the same contracts as the Dapr adapters, for unit tests of the use cases.

const copy = (cart: Cart): Cart => structuredClone(cart);

/** Versions like the Redis state store: every write bumps the ETag; a stale or missing one is a conflict. */
export class InMemoryCartStore implements CartStore {
  readonly carts = new Map<string, { cart: Cart; version: number }>();
  writes = 0;

  async load(customerId: string): Promise<StoredCart | undefined> {
    const row = this.carts.get(customerId);
    return row && { cart: copy(row.cart), etag: String(row.version) };
  }

  async insert(customerId: string, cart: Cart): Promise<void> {
    if (this.carts.has(customerId)) throw new EtagMismatchError('memory', customerId);
    this.writes++;
    this.carts.set(customerId, { cart: copy(cart), version: 1 });
  }

  async replace(customerId: string, cart: Cart, etag: string): Promise<void> {
    const row = this.carts.get(customerId);
    if (!row || String(row.version) !== etag) throw new EtagMismatchError('memory', customerId);
    this.writes++;
    this.carts.set(customerId, { cart: copy(cart), version: row.version + 1 });
  }
}

/**
 * A store where another writer gets in first, `conflicts` times: just before each of our writes it
 * writes `interloper(cart)` itself, so our write meets a stale ETag (or an existing key) and must retry.
 */
export class ContendedCartStore extends InMemoryCartStore {
  attempts = 0;

  constructor(
    private conflicts: number,
    private readonly interloper: (cart: Cart) => Cart = (c) => c,
  ) {
    super();
  }

  override async insert(customerId: string, cart: Cart): Promise<void> {
    this.attempts++;
    await this.interfere(customerId);
    return super.insert(customerId, cart);
  }

  override async replace(customerId: string, cart: Cart, etag: string): Promise<void> {
    this.attempts++;
    await this.interfere(customerId);
    return super.replace(customerId, cart, etag);
  }

  private async interfere(customerId: string): Promise<void> {
    if (this.conflicts <= 0) return;
    this.conflicts--;
    const row = this.carts.get(customerId);
    const base = row?.cart ?? { items: [], updatedAt: null };
    this.carts.set(customerId, { cart: this.interloper(copy(base)), version: (row?.version ?? 0) + 1 });
  }
}

/**
 * A catalog of fixed products; ids in `failing` throw like an unreachable catalog (a `findMany` that
 * names one of them fails as a whole, as the one call it stands for would). `calls` counts calls of
 * either kind, each one service invocation for the real adapter; `batches` holds the ids of each
 * `findMany`.
 */
export class FakeCatalog implements ProductCatalog {
  readonly products = new Map<string, ProductSnapshot>();
  readonly failing = new Set<string>();
  readonly batches: string[][] = [];
  calls = 0;

  constructor(products: ProductSnapshot[] = []) {
    for (const p of products) this.products.set(p.productId, p);
  }

  async find(productId: string): Promise<ProductSnapshot | undefined> {
    this.calls++;
    if (this.failing.has(productId)) throw unreachable();
    const p = this.products.get(productId);
    return p && structuredClone(p);
  }

  async findMany(productIds: readonly string[]): Promise<Map<string, ProductSnapshot>> {
    this.calls++;
    this.batches.push([...productIds]);
    if (productIds.some((id) => this.failing.has(id))) throw unreachable();
    const found = new Map<string, ProductSnapshot>();
    for (const id of productIds) {
      const p = this.products.get(id);
      if (p) found.set(id, structuredClone(p));
    }
    return found;
  }
}

const unreachable = () => new DependencyError('app catalog', 'no answer within 10 ms', undefined, 504);

export const product = (overrides: Partial<ProductSnapshot> & { productId: string }): ProductSnapshot => ({
  sku: `SKU-${overrides.productId.slice(0, 4)}`,
  name: `Product ${overrides.productId.slice(0, 4)}`,
  unitPrice: { amount: 1_000, currency: 'USD' },
  available: 10,
  ...overrides,
});

/** A logger whose JSON lines are kept in memory, so tests can assert what was (not) logged. */
export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ service: 'cart-test', level: 'debug', transports: [new winston.transports.Stream({ stream })] });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Serves the app on a free loopback port for the duration of one test file. */
export async function listen(app: Koa): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
