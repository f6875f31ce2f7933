// The cart's HTTP API in-process, over real HTTP, with in-memory fakes behind the use cases: identity,
// validation, the error model and the response shape, without sidecars.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createMetrics, identityHeadersFor, identityVerifier, serviceApp, signIdentity, verifyIdentity } from '@shop/kit';
import { cartService } from '../../src/service';
import { CartService } from '../../src/use-cases/cart-service';
import { FakeCatalog, InMemoryCartStore, listen, memoryLogger, product } from '../fakes/in-memory';

const GATEWAY = generateKeyPairSync('ed25519');
const A = product({ productId: randomUUID(), unitPrice: { amount: 1_999, currency: 'USD' }, available: 3 });
const B = product({ productId: randomUUID(), unitPrice: { amount: 500, currency: 'USD' }, available: 50 });

describe('cart routes', () => {
  const store = new InMemoryCartStore();
  const catalog = new FakeCatalog([A, B]);
  const { logger, lines } = memoryLogger();
  let server: { url: string; close: () => Promise<void> };

  const as = (sub: string) => signIdentity(GATEWAY.privateKey, 'cart', { sub, role: 'customer' });
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    const carts = new CartService({ store, catalog, logger, retry: { maxAttempts: 5, backoffMs: () => 0, sleep: async () => {} } });
    const app = serviceApp(cartService, {
      logger,
      metrics: createMetrics('cart-test'),
      ports: { carts },
      identityKey: GATEWAY.publicKey,
      readiness: [],
      lifecycle: { draining: false },
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('when no identity is forwarded, then every cart route is 401 problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/cart'],
      ['PUT', `/cart/items/${A.productId}`],
      ['DELETE', `/cart/items/${A.productId}`],
      ['DELETE', '/cart'],
    ] as const) {
      const res = await call(method, path, {}, method === 'PUT' ? { quantity: 1 } : undefined);
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.type).toMatch(/^application\/problem\+json/);
    }
  });

  it('when the identity is signed with another key, then 401 before the body is even validated', async () => {
    const forged = signIdentity(generateKeyPairSync('ed25519').privateKey, 'cart', { sub: randomUUID(), role: 'customer' });
    expect((await call('GET', '/cart', forged)).status).toBe(401);
    expect((await call('PUT', `/cart/items/${A.productId}`, forged, { quantity: 0 })).status).toBe(401);
  });

  it('when the identity was signed for another service (orders), then 401: it is no good at the cart', async () => {
    const forOrders = signIdentity(GATEWAY.privateKey, 'orders', { sub: randomUUID(), role: 'customer' });
    expect((await call('GET', '/cart', forOrders)).status).toBe(401);
    expect((await call('DELETE', '/cart', forOrders)).status).toBe(401);
  });

  it("when orders passes on the identity the gateway delegated to it for the cart, then that customer's cart answers", async () => {
    const sub = randomUUID();
    const checkout = signIdentity(GATEWAY.privateKey, 'orders', { sub, role: 'customer' }, { onBehalfOf: ['cart', 'payments'] });
    const atOrders = verifyIdentity(identityVerifier(GATEWAY.publicKey, 'orders'), checkout)!;
    await call('PUT', `/cart/items/${B.productId}`, as(sub), { quantity: 2 });
    const res = await call('GET', '/cart', identityHeadersFor(atOrders, 'cart'));
    expect(res.status).toBe(200);
    expect(res.body.itemCount).toBe(2);
    // What the gateway delegated for payments is refused here.
    expect((await call('GET', '/cart', identityHeadersFor(atOrders, 'payments'))).status).toBe(401);
  });

  it('when the probes are called without identity, then they still answer', async () => {
    expect((await call('GET', '/healthz', {})).status).toBe(200);
  });

  it('when a customer without a cart asks for it, then the empty cart', async () => {
    const res = await call('GET', '/cart', as(randomUUID()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], subtotal: { amount: 0, currency: 'USD' }, itemCount: 0, updatedAt: null });
  });

  it('when a product is put, then the cart answers with the line, its snapshot, current data and the subtotal', async () => {
    const res = await call('PUT', `/cart/items/${A.productId}`, as(randomUUID()), { quantity: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          productId: A.productId,
          sku: A.sku,
          name: A.name,
          quantity: 2,
          unitPrice: { amount: 1_999, currency: 'USD' },
          current: { unitPrice: { amount: 1_999, currency: 'USD' }, available: 3 },
          priceChanged: false,
          insufficientStock: false,
        },
      ],
      subtotal: { amount: 3_998, currency: 'USD' },
      itemCount: 2,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it.each([
    [{ quantity: 0 }, 'body.quantity'],
    [{ quantity: 100 }, 'body.quantity'],
    [{ quantity: 1.5 }, 'body.quantity'],
    [{ quantity: '2' }, 'body.quantity'],
    [{}, 'body.quantity'],
    [{ quantity: 1, price: 1 }, 'body.price'],
  ])('when the body is %j, then 400 naming %s', async (body, field) => {
    const res = await call('PUT', `/cart/items/${A.productId}`, as(randomUUID()), body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('when the product id is not a UUID, then 400 on params.productId', async () => {
    const res = await call('PUT', '/cart/items/not-a-uuid', as(randomUUID()), { quantity: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('params.productId');
  });

  it('when the product does not exist, then 404 unknown-product and no cart is written', async () => {
    const sub = randomUUID();
    const res = await call('PUT', `/cart/items/${randomUUID()}`, as(sub), { quantity: 1 });
    expect(res.status).toBe(404);
    expect(res.body.type).toMatch(/\/unknown-product$/);
    expect(store.carts.has(sub)).toBe(false);
  });

  it('when more than the available stock is asked, then 409 insufficient-stock with the count in detail', async () => {
    const res = await call('PUT', `/cart/items/${A.productId}`, as(randomUUID()), { quantity: 4 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/\/insufficient-stock$/), detail: expect.stringContaining('3') });
  });

  it('when the catalog fails, then the cart still answers, every line from its snapshot with current null', async () => {
    const sub = randomUUID();
    await call('PUT', `/cart/items/${A.productId}`, as(sub), { quantity: 1 });
    await call('PUT', `/cart/items/${B.productId}`, as(sub), { quantity: 2 });
    catalog.failing.add(A.productId);
    try {
      const res = await call('GET', '/cart', as(sub));
      expect(res.status).toBe(200);
      // One call asks for both lines, so its failure leaves both without current data.
      expect(res.body.items.map((l: any) => [l.productId, l.current, l.priceChanged, l.insufficientStock])).toEqual([
        [A.productId, null, false, false],
        [B.productId, null, false, false],
      ]);
      expect(res.body.subtotal.amount).toBe(1_999 + 2 * 500);
      expect(lines().some((l) => l.message === 'catalog look-up failed; showing the lines without current data')).toBe(true);
    } finally {
      catalog.failing.delete(A.productId);
    }
  });

  it('when the catalog times out while a product is put, then 504 and the cart is unchanged', async () => {
    const sub = randomUUID();
    catalog.failing.add(B.productId);
    try {
      expect((await call('PUT', `/cart/items/${B.productId}`, as(sub), { quantity: 1 })).status).toBe(504);
    } finally {
      catalog.failing.delete(B.productId);
    }
    expect(store.carts.has(sub)).toBe(false);
  });

  it('when a line is removed, then 200 with the rest; removing it again is still 200', async () => {
    const sub = randomUUID();
    await call('PUT', `/cart/items/${A.productId}`, as(sub), { quantity: 1 });
    await call('PUT', `/cart/items/${B.productId}`, as(sub), { quantity: 1 });
    const first = await call('DELETE', `/cart/items/${A.productId}`, as(sub));
    expect(first.status).toBe(200);
    expect(first.body.items.map((l: any) => l.productId)).toEqual([B.productId]);
    const again = await call('DELETE', `/cart/items/${A.productId}`, as(sub));
    expect(again.status).toBe(200);
    expect(again.body.items).toHaveLength(1);
  });

  it('when the cart is cleared, then 204 with no body, and it reads as the empty cart', async () => {
    const sub = randomUUID();
    await call('PUT', `/cart/items/${B.productId}`, as(sub), { quantity: 3 });
    const res = await call('DELETE', '/cart', as(sub));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await call('GET', '/cart', as(sub))).body).toEqual({
      items: [],
      subtotal: { amount: 0, currency: 'USD' },
      itemCount: 0,
      updatedAt: null,
    });
  });

  it('when two customers fill their carts, then each sees only their own', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    await call('PUT', `/cart/items/${A.productId}`, as(alice), { quantity: 1 });
    await call('PUT', `/cart/items/${B.productId}`, as(bob), { quantity: 1 });
    expect((await call('GET', '/cart', as(alice))).body.items.map((l: any) => l.productId)).toEqual([A.productId]);
    expect((await call('GET', '/cart', as(bob))).body.items.map((l: any) => l.productId)).toEqual([B.productId]);
  });
});
