// Stock management and reservations as they run for real: the catalog process and its daprd, admin
// calls through service invocation with the gateway's signed identity, order events published on the
// real pub/sub (Redis Streams) and delivered to the catalog's Koa subscriptions, the cron binding
// sweeping expired reservations. Results are observed through GET /products/:id and the database.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { identitySigningKey, signIdentity } from '@shop/kit';
import { OrderCancelled, OrderConfirmed, OrderPlaced } from '@shop/contracts';
import { Stack, createTempDatabase, devSecrets, type TempDatabase } from '@shop/testkit';
import { orderCancelled, orderConfirmed, orderPlaced, type TestLine } from '../fixtures/order-events';

type Json = Record<string, any>;

const TTL_SECONDS = 3;
const identityKey = identitySigningKey(devSecrets()['gateway-identity-private-key']!);
const admin = () => signIdentity(identityKey, 'catalog', { sub: randomUUID(), role: 'admin' });
const customer = () => signIdentity(identityKey, 'catalog', { sub: randomUUID(), role: 'customer' });

async function eventually<T>(what: string, fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}: ${e instanceof Error ? e.message : String(e)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('stock and reservations through the Dapr sidecar', () => {
  let db: TempDatabase;
  let stack: Stack;
  let pg: Client;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = admin()) => {
    const res = await fetch(stack.invokeUrl('catalog', 'catalog', path), {
      method,
      headers: { ...headers, ...stack.daprHeaders('catalog'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };

  const publish = async (type: string, data: unknown) => {
    const url = `${stack.get('orders').daprUrl}/v1.0/publish/pubsub/orders?metadata.cloudevent.type=${encodeURIComponent(type)}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders') },
      body: JSON.stringify(data),
    });
    expect(res.status).toBe(204);
  };
  const place = (orderId: string, lines: TestLine[]) => publish(OrderPlaced.type, orderPlaced(orderId, lines));

  const newProduct = async (stock: number): Promise<string> => {
    const sku = `IT-${randomUUID().slice(0, 8)}`;
    const res = await call('POST', 'products', {
      sku,
      name: `Test lamp ${sku}`,
      categorySlug: 'headphones',
      price: { amount: 4999, currency: 'USD' },
      stock,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const available = async (productId: string): Promise<number> => {
    const res = await call('GET', `products/${productId}`, undefined, {});
    expect(res.status).toBe(200);
    return res.body.stock.available as number;
  };
  const availableBecomes = (productId: string, expected: number) =>
    eventually(`product ${productId} has ${expected} available`, async () => expect(await available(productId)).toBe(expected));

  const reservation = async (orderId: string) => {
    const { rows } = await pg.query<{ status: string; expiry_published: boolean }>(
      'SELECT status, expiry_published FROM stock_reservation WHERE order_id = $1',
      [orderId],
    );
    return rows[0];
  };
  const statusBecomes = (orderId: string, status: string) =>
    eventually(`reservation ${orderId} is ${status}`, async () => expect((await reservation(orderId))?.status).toBe(status));
  const onHand = async (productId: string) =>
    (await pg.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM product WHERE id = $1', [productId])).rows[0];

  /**
   * The catalog runs with a 3 s TTL for the expiry test; tests about other transitions push their
   * reservation's expiry out, so that a slow machine cannot turn them into expiry tests.
   */
  const reserveAndKeep = async (orderId: string, lines: TestLine[]) => {
    await place(orderId, lines);
    await statusBecomes(orderId, 'held');
    await pg.query(`UPDATE stock_reservation SET expires_at = now() + interval '1 hour' WHERE order_id = $1`, [orderId]);
  };

  beforeAll(async () => {
    db = await createTempDatabase('catalog_stock_it');
    stack = await Stack.start({
      // An app-less orders sidecar publishes the order events: only orders may publish to topic `orders`.
      apps: [
        { appId: 'catalog', env: { RESERVATION_TTL_SECONDS: String(TTL_SECONDS) } },
        { appId: 'orders', sidecarOnly: true },
      ],
      secrets: { 'catalog-db-url': db.url },
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await stack?.stop();
    await db?.drop();
  });

  it('when the sidecar asks for subscriptions, then the orders topic is routed by event type with a dead-letter topic', async () => {
    const meta = (await (
      await fetch(`${stack.get('catalog').daprUrl}/v1.0/metadata`, { headers: stack.daprHeaders('catalog') })
    ).json()) as Json;
    const orders = meta.subscriptions.find((s: Json) => s.topic === 'orders');
    expect(orders).toMatchObject({ pubsubname: 'pubsub', deadLetterTopic: 'deadletter' });
    const matches = orders.rules.map((r: Json) => r.match).join(' ');
    for (const type of [OrderPlaced.type, OrderConfirmed.type, OrderCancelled.type]) expect(matches).toContain(type);
  });

  it('when an admin creates a product, then it is served with its stock available', async () => {
    const productId = await newProduct(7);
    const { status, body } = await call('GET', `products/${productId}`, undefined, {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: productId, stock: { available: 7 }, inStock: true, category: { slug: 'headphones' } });
  });

  it('when an order is placed, then its units are held and available stock drops', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    await place(orderId, [{ productId, quantity: 3 }]);
    await availableBecomes(productId, 7);
    expect((await reservation(orderId))?.status).toBe('held');
  });

  it('when the same order.placed is delivered twice, then it is reserved once', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    const event = orderPlaced(orderId, [{ productId, quantity: 4 }]);
    await publish(OrderPlaced.type, event);
    await publish(OrderPlaced.type, event);
    // The second delivery is visible in the log: it found the reservation and re-published its outcome.
    await eventually('the redelivery is handled', async () => {
      const replays = stack
        .get('catalog')
        .app!.log()
        .split('\n')
        .filter((line) => line.includes('reservation already recorded') && line.includes(orderId));
      expect(replays.length).toBeGreaterThanOrEqual(1);
    });
    expect(await available(productId)).toBe(6);
    expect(await onHand(productId)).toEqual({ on_hand: 10, reserved: 4 });
  });

  it('when the order is confirmed, then on hand drops and available stays where the reservation put it', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    await reserveAndKeep(orderId, [{ productId, quantity: 3 }]);
    expect(await available(productId)).toBe(7);
    await publish(OrderConfirmed.type, orderConfirmed(orderId));
    await statusBecomes(orderId, 'committed');
    expect(await onHand(productId)).toEqual({ on_hand: 7, reserved: 0 });
    expect(await available(productId)).toBe(7);
  });

  it('when the order is cancelled, then its units are available again', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    await reserveAndKeep(orderId, [{ productId, quantity: 5 }]);
    expect(await available(productId)).toBe(5);
    await publish(OrderCancelled.type, orderCancelled(orderId));
    await availableBecomes(productId, 10);
    expect((await reservation(orderId))?.status).toBe('released');
  });

  it('when one line of an order is short, then nothing is reserved', async () => {
    const [plenty, scarce] = [await newProduct(10), await newProduct(2)];
    const orderId = randomUUID();
    await place(orderId, [
      { productId: plenty, quantity: 1 },
      { productId: scarce, quantity: 5 },
    ]);
    await statusBecomes(orderId, 'rejected');
    expect(await available(plenty)).toBe(10);
    expect(await available(scarce)).toBe(2);
    const { rows } = await pg.query<{ outcome: Json }>('SELECT outcome FROM stock_reservation WHERE order_id = $1', [orderId]);
    expect(rows[0]?.outcome).toMatchObject({ reason: 'out-of-stock', shortages: [{ productId: scarce, requested: 5, available: 2 }] });
  });

  it('when nobody settles a held reservation, then after its TTL the next sweep expires it, restores the stock and announces it', async () => {
    const productId = await newProduct(5);
    const orderId = randomUUID();
    await place(orderId, [{ productId, quantity: 2 }]);
    await availableBecomes(productId, 3);
    const heldAt = Date.now();
    await availableBecomes(productId, 5);
    expect(Date.now() - heldAt).toBeGreaterThanOrEqual(TTL_SECONDS * 1000 - 500);
    // expiry_published is set only once stock.reservation-expired.v1 was accepted by the sidecar.
    await eventually('the expiry is announced', async () =>
      expect(await reservation(orderId)).toEqual({ status: 'expired', expiry_published: true }),
    );
  });

  it('when a customer or an anonymous caller sets stock, then 403 and 401; nothing changes', async () => {
    const productId = await newProduct(4);
    expect((await call('PUT', `products/${productId}/stock`, { onHand: 100 }, customer())).status).toBe(403);
    expect((await call('PUT', `products/${productId}/stock`, { onHand: 100 }, {})).status).toBe(401);
    expect((await call('POST', 'products', { sku: 'X' }, customer())).status).toBe(403);
    expect(await available(productId)).toBe(4);
  });

  it('when stock is set below what is held, then 409 stock-below-reserved; at what is held, it is accepted', async () => {
    const productId = await newProduct(10);
    await reserveAndKeep(randomUUID(), [{ productId, quantity: 4 }]);
    const refused = await call('PUT', `products/${productId}/stock`, { onHand: 3 });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/stock-below-reserved$/);
    const accepted = await call('PUT', `products/${productId}/stock`, { onHand: 4 });
    expect(accepted).toEqual({ status: 200, body: { productId, onHand: 4, reserved: 4, available: 0 } });
  });

  it('when an admin edits and then deletes a product, then the edit is served and the product disappears', async () => {
    const productId = await newProduct(1);
    const edited = await call('PATCH', `products/${productId}`, { name: 'Renamed lamp', price: { amount: 2500, currency: 'USD' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: productId, name: 'Renamed lamp', price: { amount: 2500, currency: 'USD' } });
    expect((await call('DELETE', `products/${productId}`)).status).toBe(204);
    expect((await call('GET', `products/${productId}`, undefined, {})).status).toBe(404);
    expect((await call('DELETE', `products/${productId}`)).status).toBe(404);
  });
});
