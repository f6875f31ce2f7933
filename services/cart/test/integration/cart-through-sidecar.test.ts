// The cart as it runs for real: its process and the catalog's, each started from dapr/run.yaml with its
// daprd sidecar and the repository's components; carts in Redis through the `cartstore` component,
// products from a migrated and seeded PostgreSQL through catalog's service invocation.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { identitySigningKey, signIdentity } from '@shop/kit';
import { Stack, createTempDatabase, devSecrets, type TempDatabase } from '@shop/testkit';

type Json = Record<string, any>;
const identityKey = identitySigningKey(devSecrets()['gateway-identity-private-key']!);
const as = (sub: string, audience = 'cart') => signIdentity(identityKey, audience, { sub, role: 'customer' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls cart through its own sidecar (service invocation with the app token). Another app's sidecar may
 * not: cart's access-control policy lets only the gateway and orders invoke it (test/e2e/hostile.test.ts).
 */
async function callCart(stack: Stack, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(stack.invokeUrl('cart', 'cart', path), {
    method,
    headers: { ...headers, ...stack.daprHeaders('cart'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : undefined) as Json };
}

async function inStockProducts(stack: Stack, limit: number): Promise<Json[]> {
  const res = await fetch(stack.invokeUrl('catalog', 'catalog', `products?limit=${limit}&inStock=true`), {
    headers: stack.daprHeaders('catalog'),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).items as Json[];
}

describe('cart through its Dapr sidecar', () => {
  let db: TempDatabase;
  let sql: Client;

  beforeAll(async () => {
    db = await createTempDatabase('cart_it');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  describe('with the default configuration', () => {
    let stack: Stack;
    let products: Json[];
    const cart = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      callCart(stack, method, path, headers, body);

    beforeAll(async () => {
      stack = await Stack.start({ apps: [{ appId: 'cart' }, { appId: 'catalog' }], secrets: { 'catalog-db-url': db.url } });
      // Plenty of stock, so quantities up to 5 are always accepted whatever the seed gave.
      products = (await inStockProducts(stack, 30)).filter((p) => p.stock.available >= 5);
      expect(products.length).toBeGreaterThanOrEqual(14);
      expect(products.some((p) => p.stock.available < 99)).toBe(true);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('when a product is added, then its price is snapshotted and shown beside the current data', async () => {
      const p = products[0]!;
      const put = await cart('PUT', `cart/items/${p.id}`, as(randomUUID()), { quantity: 2 });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({
        items: [
          {
            productId: p.id,
            sku: p.sku,
            name: p.name,
            quantity: 2,
            unitPrice: p.price,
            current: { unitPrice: p.price, available: p.stock.available },
            priceChanged: false,
            insufficientStock: false,
          },
        ],
        subtotal: { amount: 2 * p.price.amount, currency: p.price.currency },
        itemCount: 2,
        updatedAt: expect.any(String),
      });
    });

    it('when the quantity is set again, then it replaces the old one and the cart reads back the same', async () => {
      const [p, q] = [products[0]!, products[1]!];
      const sub = randomUUID();
      await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 });
      await cart('PUT', `cart/items/${q.id}`, as(sub), { quantity: 1 });
      const put = await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 4 });
      expect(put.status).toBe(200);
      expect(put.body.items.map((l: Json) => [l.productId, l.quantity])).toEqual([
        [p.id, 4],
        [q.id, 1],
      ]);
      expect(put.body.itemCount).toBe(5);
      const got = await cart('GET', 'cart', as(sub));
      expect(got.status).toBe(200);
      expect(got.body).toEqual(put.body);
    });

    it('when a line is removed, then the rest stays; removing it again is still 200', async () => {
      const [p, q] = [products[0]!, products[1]!];
      const sub = randomUUID();
      await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 });
      await cart('PUT', `cart/items/${q.id}`, as(sub), { quantity: 2 });
      const removed = await cart('DELETE', `cart/items/${p.id}`, as(sub));
      expect(removed.status).toBe(200);
      expect(removed.body.items.map((l: Json) => l.productId)).toEqual([q.id]);
      const again = await cart('DELETE', `cart/items/${p.id}`, as(sub));
      expect(again.status).toBe(200);
      expect(again.body.items.map((l: Json) => l.productId)).toEqual([q.id]);
    });

    it('when the cart is cleared, then 204 and it reads as the empty cart; a new item starts it again', async () => {
      const [p, q] = [products[0]!, products[1]!];
      const sub = randomUUID();
      await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 });
      const cleared = await cart('DELETE', 'cart', as(sub));
      expect(cleared.status).toBe(204);
      expect((await cart('GET', 'cart', as(sub))).body).toEqual({
        items: [],
        subtotal: { amount: 0, currency: 'USD' },
        itemCount: 0,
        updatedAt: null,
      });
      const again = await cart('PUT', `cart/items/${q.id}`, as(sub), { quantity: 1 });
      expect(again.body.items.map((l: Json) => l.productId)).toEqual([q.id]);
    });

    it('when an unknown product is put, then 404 problem+json unknown-product', async () => {
      const res = await cart('PUT', `cart/items/${randomUUID()}`, as(randomUUID()), { quantity: 1 });
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toMatch(/\/unknown-product$/);
    });

    it('when more than the available stock is asked, then 409 insufficient-stock naming the count; exactly that many is fine', async () => {
      // A product whose whole stock fits under the quantity cap, so "one more" reaches the stock rule.
      const p = products.find((x) => x.stock.available < 99)!;
      const available: number = p.stock.available;
      const sub = randomUUID();
      const refused = await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: available + 1 });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        type: expect.stringMatching(/\/insufficient-stock$/),
        detail: expect.stringContaining(`only ${available} `),
      });
      expect((await cart('GET', 'cart', as(sub))).body.items).toEqual([]);
      const accepted = await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: available });
      expect(accepted.status).toBe(200);
      expect(accepted.body.items[0]).toMatchObject({ quantity: available, current: { available }, insufficientStock: false });
    });

    it('when no identity is forwarded, then 401; when it is forged or signed for another service, then 401', async () => {
      expect((await cart('GET', 'cart', {})).status).toBe(401);
      const forged = signIdentity(generateKeyPairSync('ed25519').privateKey, 'cart', { sub: randomUUID(), role: 'customer' });
      const res = await cart('PUT', `cart/items/${products[0]!.id}`, forged, { quantity: 1 });
      expect(res.status).toBe(401);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect((await cart('GET', 'cart', as(randomUUID(), 'orders'))).status).toBe(401);
    });

    it('when two customers fill their carts, then each sees only their own', async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];
      const [p, q] = [products[0]!, products[1]!];
      await cart('PUT', `cart/items/${p.id}`, as(alice), { quantity: 1 });
      await cart('PUT', `cart/items/${q.id}`, as(bob), { quantity: 2 });
      expect((await cart('GET', 'cart', as(alice))).body.items.map((l: Json) => [l.productId, l.quantity])).toEqual([[p.id, 1]]);
      expect((await cart('GET', 'cart', as(bob))).body.items.map((l: Json) => [l.productId, l.quantity])).toEqual([[q.id, 2]]);
    });

    it('when 10 different products are put concurrently for one customer, then all 10 are in the cart', async () => {
      const sub = randomUUID();
      const ten = products.slice(3, 13);
      const answers = await Promise.all(ten.map((p) => cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 })));
      expect(answers.map((a) => a.status)).toEqual(ten.map(() => 200));
      const got = await cart('GET', 'cart', as(sub));
      expect(got.body.items.map((l: Json) => l.productId).sort()).toEqual(ten.map((p) => p.id).sort());
      expect(got.body.itemCount).toBe(10);
    });

    it('when the catalog price changes after adding, then priceChanged with the new current price; the snapshot stays', async () => {
      const p = products[13]!;
      const sub = randomUUID();
      await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 });
      const newPrice = p.price.amount + 100;
      await sql.query('UPDATE product SET price_cents = $2 WHERE id = $1', [p.id, newPrice]);
      const got = await cart('GET', 'cart', as(sub));
      expect(got.body.items[0]).toMatchObject({
        unitPrice: p.price,
        current: { unitPrice: { amount: newPrice, currency: p.price.currency } },
        priceChanged: true,
      });
      expect(got.body.subtotal.amount).toBe(p.price.amount);
      // Setting the quantity again takes a fresh snapshot: the flag goes down.
      const renewed = await cart('PUT', `cart/items/${p.id}`, as(sub), { quantity: 1 });
      expect(renewed.body.items[0]).toMatchObject({ unitPrice: { amount: newPrice }, priceChanged: false });
    });

    it('when a product in the cart leaves the catalog, then its line shows no current data and the others still do', async () => {
      // products[2] is used by no other test: archiving it disturbs nobody.
      const [p, gone, q] = [products[0]!, products[2]!, products[1]!];
      const sub = randomUUID();
      for (const x of [p, gone, q]) expect((await cart('PUT', `cart/items/${x.id}`, as(sub), { quantity: 1 })).status).toBe(200);
      await sql.query('UPDATE product SET archived_at = now() WHERE id = $1', [gone.id]);
      const got = await cart('GET', 'cart', as(sub));
      expect(got.status).toBe(200);
      expect(got.body.items.map((l: Json) => [l.productId, l.current === null])).toEqual([
        [p.id, false],
        [gone.id, true],
        [q.id, false],
      ]);
      expect(got.body.items[0].current).toEqual({ unitPrice: p.price, available: expect.any(Number) });
      expect(got.body.subtotal.amount).toBe(p.price.amount + gone.price.amount + q.price.amount);
    });
  });

  describe('with CART_TTL_SECONDS=2', () => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await Stack.start({
        apps: [{ appId: 'cart', env: { CART_TTL_SECONDS: '2' } }, { appId: 'catalog' }],
        secrets: { 'catalog-db-url': db.url },
      });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('when a cart is left alone longer than its TTL, then it is gone', async () => {
      const [p] = await inStockProducts(stack, 1);
      const sub = randomUUID();
      expect((await callCart(stack, 'PUT', `cart/items/${p!.id}`, as(sub), { quantity: 1 })).status).toBe(200);
      expect((await callCart(stack, 'GET', 'cart', as(sub))).body.items).toHaveLength(1);
      await sleep(3_000);
      expect((await callCart(stack, 'GET', 'cart', as(sub))).body).toEqual({
        items: [],
        subtotal: { amount: 0, currency: 'USD' },
        itemCount: 0,
        updatedAt: null,
      });
    });
  });
});
