// Issue 10: the catalog refuses what its database would fail on (defence in depth: the gateway refuses it
// first). The fake store decodes the cursor exactly as the PostgreSQL store does before any SQL runs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLogger, createMetrics, serviceApp, signIdentity } from '@shop/kit';
import { catalogService } from '../../src/service';
import { decodeCursor } from '../../src/domain/cursor';
import { normalizeQuery, type ProductQuery } from '../../src/domain/product';
import type { ProductStore } from '../../src/ports';
import type { StockStore } from '../../src/ports';

const GATEWAY = generateKeyPairSync('ed25519');
const ID = '00000000-0000-4000-8000-000000000001';
const cursor = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('catalog against hostile queries', () => {
  const reachedSql: ProductQuery[] = [];
  const store: ProductStore = {
    search: async (query) => {
      const normalized = normalizeQuery(query);
      if (normalized.cursor !== undefined) decodeCursor(normalized.cursor, normalized.sort);
      reachedSql.push(query);
      return { items: [], nextCursor: null };
    },
    getById: async () => undefined,
    categoryTree: async () => [],
    create: async () => Promise.reject(new Error('not reached')),
    update: async () => undefined,
    archive: async () => false,
  };

  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const logger = createLogger({ service: 'catalog-test', level: 'error' });
    logger.silent = true;
    const app = serviceApp(catalogService, {
      logger,
      metrics: createMetrics('catalog-test'),
      ports: {
        store,
        stock: {} as StockStore,
        events: { publish: async () => undefined },
      },
      identityKey: GATEWAY.publicKey,
      config: { reservationTtlSeconds: 60, sweepBatchSize: 10 },
      readiness: [],
      lifecycle: { draining: false },
    });
    server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => void (reachedSql.length = 0));

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> };
  };

  it.each([
    ['a NUL in q', 'query.q', 'validation-failed', '/products?q=%00'],
    ['invalid UTF-8 in q', 'query.q', 'validation-failed', '/products?q=%C3%28'],
    ['a minPrice past the integer column', 'query.minPrice', 'validation-failed', '/products?minPrice=2147483648'],
    ['a limit of 1e309', 'query.limit', 'validation-failed', '/products?limit=1e309'],
    [
      'a price cursor past the integer column',
      'query.cursor',
      'invalid-cursor',
      `/products?sort=price_asc&cursor=${cursor({ s: 'price_asc', v: 2 ** 40, id: ID })}`,
    ],
    [
      'a name cursor with NUL',
      'query.cursor',
      'invalid-cursor',
      `/products?sort=name_asc&cursor=${cursor({ s: 'name_asc', v: 'a\u0000', id: ID })}`,
    ],
    [
      'a newest cursor on 30 February',
      'query.cursor',
      'invalid-cursor',
      `/products?sort=newest&cursor=${cursor({ s: 'newest', v: '2026-02-30T00:00:00.000Z', id: ID })}`,
    ],
    ['a urn:uuid product id', 'params.id', 'validation-failed', `/products/urn:uuid:${ID}`],
  ])('when a client sends %s, then 400 %s (%s) and no query runs', async (_what, field, code, path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(new RegExp(`/${code}$`));
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(reachedSql).toHaveLength(0);
  });

  it('when an admin sends a product whose description holds NUL, then 400 names body.description', async () => {
    const res = await fetch(`${base}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(GATEWAY.privateKey, 'catalog', { sub: randomUUID(), role: 'admin' }) },
      body: JSON.stringify({
        sku: 'A-1',
        name: 'Lamp',
        description: 'x\u0000y',
        categorySlug: 'lighting',
        price: { amount: 1, currency: 'EUR' },
        stock: 1,
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'body.description', message: 'must not contain NUL characters' },
    ]);
  });
});
