// The catalog app over HTTP, in-process, with in-memory fakes: who may call the admin routes, what
// the sidecar's event deliveries and cron calls get back. The real stores are tested against PostgreSQL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLogger, createMetrics, serviceApp, signIdentity, type EventStatus } from '@shop/kit';
import { StockReservationExpired, StockReserved, type EventDef } from '@shop/contracts';
import { catalogService } from '../../src/service';
import type { NewProduct, ProductQuery, ProductView } from '../../src/domain/product';
import type { ReservationOutcome } from '../../src/domain/stock';
import type { ProductStore } from '../../src/ports';
import type { StockStore } from '../../src/ports';
import { orderPlaced } from '../fixtures/order-events';

const GATEWAY = generateKeyPairSync('ed25519');
const PRODUCT = '00000000-0000-4000-8000-000000000001';

const view = (id: string, p: NewProduct): ProductView => ({
  id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  category: { id: randomUUID(), slug: p.categorySlug, name: 'Things' },
  price: p.price,
  stock: { available: p.stock },
  inStock: p.stock > 0,
  createdAt: new Date(0).toISOString(),
});

describe('catalog app', () => {
  const created: NewProduct[] = [];
  const searched: ProductQuery[] = [];
  const published: { type: string; data: unknown }[] = [];
  let publishFails = false;
  const expiredIds = [randomUUID(), randomUUID()];

  const products: ProductStore = {
    search: async (query) => {
      searched.push(query);
      return { items: [], nextCursor: null };
    },
    getById: async (id) =>
      id === PRODUCT
        ? view(PRODUCT, { sku: 'S', name: 'N', description: '', categorySlug: 'c', price: { amount: 1, currency: 'EUR' }, stock: 1 })
        : undefined,
    categoryTree: async () => [],
    create: async (p) => {
      created.push(p);
      return view(randomUUID(), p);
    },
    update: async () => undefined,
    archive: async () => false,
  };
  const stock: StockStore = {
    setOnHand: async (productId, onHand) => (productId === PRODUCT ? { productId, onHand, reserved: 0, available: onHand } : undefined),
    reserve: async ({ orderId, lines }) => {
      const outcome: ReservationOutcome = { kind: 'reserved', orderId, lines: [...lines], expiresAt: new Date(0).toISOString() };
      return { outcome, replayed: false };
    },
    commit: async () => ({ before: 'held', after: 'committed' }),
    release: async () => ({ before: 'held', after: 'released' }),
    expireDue: async () => expiredIds,
    announceExpiries: async (_limit, announce) => {
      for (const id of expiredIds) await announce(id);
      return { published: expiredIds.length, failed: 0 };
    },
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
        store: products,
        stock,
        events: {
          publish: async (event: EventDef, data: unknown) => {
            if (publishFails) throw new Error('sidecar down');
            published.push({ type: event.type, data });
          },
        },
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
  beforeEach(() => {
    published.length = 0;
    searched.length = 0;
    publishFails = false;
  });

  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  };
  const as = (role: 'admin' | 'customer', audience = 'catalog') => signIdentity(GATEWAY.privateKey, audience, { sub: randomUUID(), role });
  const validProduct = { sku: 'LAMP-1', name: 'Lamp', categorySlug: 'lighting', price: { amount: 2999, currency: 'EUR' }, stock: 5 };

  describe('admin routes', () => {
    it('when nobody is signed in, then 401; with a forged signature, then 401', async () => {
      expect((await send('POST', '/products', validProduct)).status).toBe(401);
      const forged = { ...as('admin'), 'x-shop-identity-sig': 'forged' };
      expect((await send('PUT', `/products/${PRODUCT}/stock`, { onHand: 1 }, forged)).status).toBe(401);
    });

    it('when an admin identity was signed for another service, then 401: it is no good at the catalog', async () => {
      for (const other of ['users', 'payments', 'orders']) {
        expect((await send('PUT', `/products/${PRODUCT}/stock`, { onHand: 1 }, as('admin', other))).status).toBe(401);
      }
    });

    it('when a customer calls, then 403 problem+json, before the body is even validated', async () => {
      const res = await send('POST', '/products', { nonsense: true }, as('customer'));
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toMatch(/forbidden$/);
      expect(created).toHaveLength(0);
    });

    it('when an admin sends an invalid product, then 400 names every bad field', async () => {
      const res = await send('POST', '/products', { ...validProduct, price: { amount: -1, currency: 'eur' }, stock: 1.5 }, as('admin'));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.price.amount',
        'body.price.currency',
        'body.stock',
      ]);
    });

    it('when an admin creates a product, then 201 with its location, and the description defaults to empty', async () => {
      const res = await send('POST', '/products', validProduct, as('admin'));
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/products/${res.body.id}`);
      expect(created.at(-1)).toEqual({ ...validProduct, description: '' });
    });

    it('when an admin sets stock, then the level comes back; negative is 400, an unknown product 404', async () => {
      expect(await send('PUT', `/products/${PRODUCT}/stock`, { onHand: 8 }, as('admin'))).toMatchObject({
        status: 200,
        body: { productId: PRODUCT, onHand: 8, reserved: 0, available: 8 },
      });
      expect((await send('PUT', `/products/${PRODUCT}/stock`, { onHand: -1 }, as('admin'))).status).toBe(400);
      expect((await send('PUT', `/products/${randomUUID()}/stock`, { onHand: 1 }, as('admin'))).status).toBe(404);
    });

    it('when a public route is called with a forged identity, then it is served: only admin routes read identities', async () => {
      const res = await send('GET', `/products/${PRODUCT}`, undefined, { 'x-shop-identity': 'x', 'x-shop-identity-sig': 'y' });
      expect(res.status).toBe(200);
    });

    it('when PATCH has no fields, then 400; when the product is unknown, then 404', async () => {
      expect((await send('PATCH', `/products/${PRODUCT}`, {}, as('admin'))).status).toBe(400);
      expect((await send('PATCH', `/products/${randomUUID()}`, { name: 'x' }, as('admin'))).status).toBe(404);
      expect((await send('DELETE', `/products/${randomUUID()}`, undefined, as('admin'))).status).toBe(404);
    });
  });

  describe('GET /products?ids', () => {
    const ids = [randomUUID(), randomUUID().toUpperCase(), randomUUID()];

    it('when ids are given, then the store is searched for that list, beside the other parameters', async () => {
      const res = await send('GET', `/products?ids=${ids.join(',')}&inStock=true&limit=3`);
      expect(res.status).toBe(200);
      expect(searched).toEqual([{ ids: ids.map((id) => id.toLowerCase()), inStock: true, limit: 3, sort: 'name_asc' }]);
    });

    it.each([
      ['a bad id', `${ids[0]},not-a-uuid`],
      ['a trailing comma', `${ids[0]},`],
      ['an empty list', ''],
      ['51 ids', Array.from({ length: 51 }, () => randomUUID()).join(',')],
    ])('when %s is given, then 400 problem+json naming query.ids, and the store is not asked', async (_what, list) => {
      const res = await send('GET', `/products?ids=${list}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.ids']);
      expect(searched).toEqual([]);
    });

    it('when ids is given twice, then 400 naming query.ids (one comma-separated list only)', async () => {
      const res = await send('GET', `/products?ids=${ids[0]}&ids=${ids[2]}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.ids']);
    });
  });

  describe('what the sidecar gets', () => {
    const deliver = async (type: string, data: unknown): Promise<EventStatus> => {
      const subscriptions = (await send('GET', '/dapr/subscribe')).body as unknown as {
        routes: { rules: { match: string; path: string }[] };
      }[];
      const path = subscriptions[0]!.routes.rules.find((r) => r.match === `event.type == "${type}"`)!.path;
      const res = await send('POST', path, { id: randomUUID(), source: 'orders', specversion: '1.0', type, data });
      expect(res.status).toBe(200);
      return res.body.status as EventStatus;
    };

    it('when order.placed is delivered, then SUCCESS and stock.reserved.v1 is published', async () => {
      const orderId = randomUUID();
      expect(await deliver('order.placed.v1', orderPlaced(orderId, [{ productId: PRODUCT, quantity: 2 }]))).toBe('SUCCESS');
      expect(published).toEqual([
        { type: StockReserved.type, data: { orderId, lines: [{ productId: PRODUCT, quantity: 2 }], expiresAt: new Date(0).toISOString() } },
      ]);
    });

    it('when the publish fails, then RETRY, so the sidecar redelivers', async () => {
      publishFails = true;
      expect(await deliver('order.placed.v1', orderPlaced(randomUUID(), [{ productId: PRODUCT, quantity: 1 }]))).toBe('RETRY');
    });

    it('when order.placed does not match its schema, then DROP', async () => {
      expect(await deliver('order.placed.v1', { orderId: randomUUID() })).toBe('DROP');
    });

    it('when Dapr asks for subscriptions, then exactly the three stock-moving order events are routed, with dead letter', async () => {
      const subscriptions = (await send('GET', '/dapr/subscribe')).body as unknown as Record<string, any>[];
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0]).toMatchObject({ pubsubname: 'pubsub', topic: 'orders', deadLetterTopic: 'deadletter' });
      expect(subscriptions[0]!.routes.rules.map((r: { match: string }) => r.match)).toEqual([
        'event.type == "order.placed.v1"',
        'event.type == "order.confirmed.v1"',
        'event.type == "order.cancelled.v1"',
      ]);
    });

    it('when the cron binding calls, then due reservations are swept and each expiry is announced', async () => {
      const res = await send('POST', '/reservation-sweep-cron', {});
      expect(res).toMatchObject({ status: 200, body: { expired: 2, announced: 2, unannounced: 0 } });
      expect(published).toEqual(expiredIds.map((orderId) => ({ type: StockReservationExpired.type, data: { orderId } })));
    });
  });
});
