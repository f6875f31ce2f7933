// The orders service for real — its process, its sidecar, the Redis event store with the transactional
// outbox, PostgreSQL for the read model, the cron binding — with catalog and payments played by the test
// publishing their events through a real sidecar, and cart/payments lookups answered by fakes behind
// real sidecars.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { identityPublicKey, identitySigningKey, signIdentity } from '@shop/kit';
import { Stack, createTempDatabase, devSecrets, type TempDatabase } from '@shop/testkit';
import { serveFakes } from './fakes';

const key = identitySigningKey(devSecrets()['gateway-identity-private-key']!);
const admin = signIdentity(key, 'orders', { sub: randomUUID(), role: 'admin' });
// What the gateway sends orders for a checkout: the customer's identity for orders, and one each for the
// cart and payments, which orders calls as the customer.
const forCheckout = { onBehalfOf: ['cart', 'payments'] };
const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const price = { amount: 1250, currency: 'USD' };

describe('orders saga through real sidecars', () => {
  let db: TempDatabase;
  let stack: Stack;
  let fakes: Awaited<ReturnType<typeof serveFakes>>;

  beforeAll(async () => {
    db = await createTempDatabase('orders_it');
    fakes = await serveFakes(identityPublicKey(devSecrets()['gateway-identity-public-key']!));
    stack = await Stack.start({
      apps: [
        // Stalled sagas are started again after 5 s rather than a minute, so the test can watch it happen.
        { appId: 'orders', env: { SAGA_REDRIVE_AFTER_SECONDS: '5' } },
        { appId: 'cart', externalAppPort: fakes.cartPort },
        { appId: 'payments', externalAppPort: fakes.paymentsPort },
        // Catalog's answers are published by an app-less catalog sidecar (only catalog may publish `stock`).
        { appId: 'catalog', sidecarOnly: true },
      ],
      secrets: { 'orders-db-url': db.url },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await fakes?.close();
    await db?.drop();
  });

  /** A customer with one saved payment method and a cart of `quantity` units of one product. */
  function customer(quantity = 2) {
    const sub = randomUUID();
    const token = `pm_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    fakes.fakes.methods.set(token, { customerId: sub, token, brand: 'visa', last4: '4242' });
    fakes.fakes.carts.set(sub, [
      {
        productId: randomUUID(),
        sku: 'SKU-LAMP',
        name: 'Lamp',
        quantity,
        unitPrice: price,
        current: { unitPrice: price, available: 9 },
        priceChanged: false,
      },
    ]);
    return { sub, token, headers: signIdentity(key, 'orders', { sub, role: 'customer' }, forCheckout) };
  }

  const call = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
    const res = await fetch(stack.invokeUrl('orders', 'orders', path), {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders'), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
  };
  /** Starts a rebuild (202), then follows it with GET until it has ended: the POST's status and the end. */
  const rebuild = async (body?: unknown) => {
    const started = await call('admin/read-model/rebuild', { method: 'POST', headers: admin, body });
    if (started.status !== 202) return { status: started.status, done: started.body };
    expect(started.body).toMatchObject({ state: 'running' });
    for (const end = Date.now() + 60_000; ;) {
      const now = await call('admin/read-model/rebuild', { headers: admin });
      if (now.status !== 200 || now.body.state !== 'running' || Date.now() > end) return { status: started.status, done: now.body };
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const checkout = (
    c: ReturnType<typeof customer>,
    idem = randomUUID(),
    body: unknown = { paymentMethod: c.token, shippingAddress: address },
  ) => call('orders', { method: 'POST', headers: { ...c.headers, 'idempotency-key': idem }, body });
  /** Publishes an event as catalog or payments would, through a sidecar of the topic's owner. */
  const publish = async (topic: string, type: string, data: unknown) => {
    const owner = topic === 'stock' ? 'catalog' : 'payments';
    const res = await fetch(`${stack.get(owner).daprUrl}/v1.0/publish/pubsub/${topic}?metadata.cloudevent.type=${type}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.daprHeaders(owner) },
      body: JSON.stringify(data),
    });
    expect(res.status).toBe(204);
  };
  const waitFor = async (orderId: string, status: string, ms = 20_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const { body } = await call(`orders/${orderId}`, { headers: admin });
      if (body?.status === status) return body;
      if (Date.now() > end) throw new Error(`order ${orderId} is ${body?.status}, not ${status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // What catalog reserves: exactly the order's lines (orders refuses a reservation of anything else).
  const reserved = async (orderId: string) => {
    const order = await waitFor(orderId, 'placed');
    await publish('stock', 'stock.reserved.v1', {
      orderId,
      lines: order.lines.map((l: any) => ({ productId: l.productId, quantity: l.quantity })),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
  };

  /** The orders sidecar's event store, as the orders app reads and writes it. */
  const stateUrl = (suffix = '') => `${stack.get('orders').daprUrl}/v1.0/state/orderstore${suffix}`;
  const storedStream = async (orderId: string) =>
    ((await (await fetch(stateUrl(`/order-${orderId}`), { headers: stack.daprHeaders('orders') })).json()) as { events: any[] }).events;
  /**
   * Writes a whole stream under `orderId` as DaprOrderEventStore does. `publish`: through the state
   * transaction, so the outbox publishes its last event only (the ones before it are lost on the way);
   * otherwise with a plain save, so nothing at all is published.
   */
  const writeStream = async (orderId: string, events: any[], publish: boolean) => {
    const doc = { key: `order-${orderId}`, value: { orderId, events } };
    const last = events[events.length - 1];
    const res = publish
      ? await fetch(stateUrl('/transaction'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders') },
          body: JSON.stringify({
            operations: [
              { operation: 'upsert', request: { ...doc, metadata: { type: last.type } } },
              {
                operation: 'upsert',
                request: { key: doc.key, value: last.data, metadata: { 'outbox.projection': 'true', contentType: 'application/json' } },
              },
            ],
          }),
        })
      : await fetch(stateUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders') },
          body: JSON.stringify([doc]),
        });
    expect(res.status).toBe(204);
  };
  /** A stream of a real order's order.placed.v1 under a new id, then stock rejected and the order cancelled. */
  const cancelledStream = async (orderId: string, at: Date) => {
    const { body } = await checkout(customer());
    const [placed] = await storedStream(body.orderId);
    const base = { orderId, customerId: placed.data.customerId, occurredAt: at.toISOString() };
    return [
      { ...placed, data: { ...placed.data, ...base, version: 1 } },
      { type: 'order.stock-rejected.v1', data: { ...base, version: 2, reason: 'out-of-stock' } },
      { type: 'order.cancelled.v1', data: { ...base, version: 3, reason: 'out-of-stock' } },
    ];
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return (await pg.query(text, params)).rows;
    } finally {
      await pg.end();
    }
  };
  /** An order as the read model holds it (status, version, timeline), undefined when not projected. */
  const history = async (orderId: string) => {
    const [view] = await sql('SELECT status, version FROM order_view WHERE id = $1', [orderId]);
    const timeline = await sql('SELECT version, type FROM order_timeline WHERE order_id = $1 ORDER BY version', [orderId]);
    return view && { status: view.status, version: view.version, timeline: timeline.map((t) => `v${t.version} ${t.type}`) };
  };
  /** The whole read model, every column of every order, in a stable order: what a rebuild must restore. */
  const readModel = async () => ({
    views: await sql('SELECT * FROM order_view ORDER BY id'),
    timeline: await sql('SELECT * FROM order_timeline ORDER BY order_id, version'),
  });
  /** The same, as the event store says it must be. */
  const asStored = (events: any[]) => ({
    status: /^order\.(.+)\.v1$/.exec(events[events.length - 1].type)![1],
    version: events.length,
    timeline: events.map((e) => `v${e.data.version} ${e.type}`),
  });
  /** Polls the read model until `done` holds of the order's history, or fails with what it holds. */
  const historyWhen = async (orderId: string, done: (h: Awaited<ReturnType<typeof history>>) => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    for (let h = await history(orderId); ; h = await history(orderId)) {
      if (done(h)) return h;
      if (Date.now() > end) throw new Error(`order ${orderId}: the history holds ${JSON.stringify(h)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const logged = (message: string, orderId: string) =>
    stack
      .get('orders')
      .app!.log()
      .split('\n')
      .some((l) => l.includes(message) && l.includes(orderId));

  it('when a customer checks out, then 202 with an order that the outbox publishes and the read model projects', async () => {
    const c = customer();
    const res = await checkout(c);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ orderId: expect.any(String), status: 'placed' });
    const order = await waitFor(res.body.orderId, 'placed');
    // Projected from the published order.placed.v1: it carries the lines, the total, and only the token's display facts.
    expect(order).toMatchObject({ total: { amount: 2500, currency: 'USD' }, itemCount: 2, payment: { brand: 'visa', last4: '4242' } });
    expect(order.timeline.map((t: any) => t.type)).toEqual(['order.placed.v1']);
    expect(fakes.fakes.cleared).toContain(c.sub);
  });

  it('when the same Idempotency-Key is replayed, then the same order comes back; with another body, 422', async () => {
    const c = customer();
    const idem = randomUUID();
    const first = await checkout(c, idem);
    fakes.fakes.carts.set(c.sub, []); // the cart was cleared: a second order could not even be placed
    const again = await checkout(c, idem);
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reused = await checkout(c, idem, { paymentMethod: c.token, shippingAddress: { ...address, city: 'Shelbyville' } });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toMatch(/idempotency-key-reused$/);
  });

  it('when ten checkouts race with one Idempotency-Key, then exactly one order exists', async () => {
    const c = customer();
    const idem = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => checkout(c, idem)));
    const ids = new Set(results.map((r) => r.body.orderId));
    expect(results.map((r) => (r.status === 202 ? 202 : { status: r.status, body: r.body }))).toEqual(Array(10).fill(202));
    expect(ids.size).toBe(1);
    // The history is a projection: wait until it has caught up, then there is exactly one order.
    const end = Date.now() + 10_000;
    let items: any[] = [];
    while (items.length === 0 && Date.now() < end) {
      items = (await call(`orders?customerId=${c.sub}`, { headers: admin })).body.items;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(items.map((o) => o.id)).toEqual([...ids]);
  });

  it('when stock is reserved and payment authorized, then the order is confirmed and then shipped by the cron binding', async () => {
    const { body } = await checkout(customer());
    await waitFor(body.orderId, 'placed');
    await reserved(body.orderId);
    await waitFor(body.orderId, 'stock-reserved');
    await publish('stock', 'stock.reserved.v1', {
      orderId: body.orderId,
      lines: (await waitFor(body.orderId, 'stock-reserved')).lines.map((l: any) => ({ productId: l.productId, quantity: l.quantity })),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }); // a duplicate delivery changes nothing
    await publish('payments', 'payment.authorized.v1', {
      orderId: body.orderId,
      paymentId: 'pay_123',
      amount: { amount: 2500, currency: 'USD' },
    });
    const shipped = await waitFor(body.orderId, 'shipped');
    expect(shipped.timeline.map((t: any) => t.type)).toEqual([
      'order.placed.v1',
      'order.stock-reserved.v1',
      'order.payment-authorized.v1',
      'order.confirmed.v1',
      'order.shipped.v1',
    ]);
    expect(shipped.trackingNumber).toMatch(/^TRK/);
    expect(shipped.payment.paymentId).toBe('pay_123');
  });

  it('when stock is rejected, then the order is cancelled as out-of-stock', async () => {
    const { body } = await checkout(customer());
    await waitFor(body.orderId, 'placed');
    await publish('stock', 'stock.rejected.v1', { orderId: body.orderId, reason: 'out-of-stock', shortages: [] });
    const order = await waitFor(body.orderId, 'cancelled');
    expect(order.cancelReason).toBe('out-of-stock');
  });

  it('when payment fails for insufficient funds, then the order is cancelled with that reason', async () => {
    const { body } = await checkout(customer());
    await waitFor(body.orderId, 'placed');
    await reserved(body.orderId);
    await waitFor(body.orderId, 'stock-reserved');
    await publish('payments', 'payment.failed.v1', { orderId: body.orderId, reason: 'insufficient-funds' });
    expect((await waitFor(body.orderId, 'cancelled')).cancelReason).toBe('insufficient-funds');
  });

  it("when a customer asks for another customer's order, then 404; the owner and an admin see it", async () => {
    const a = customer();
    const b = customer();
    const { body } = await checkout(a);
    expect((await call(`orders/${body.orderId}`, { headers: b.headers })).status).toBe(404);
    expect((await call(`orders/${body.orderId}`, { headers: a.headers })).status).toBe(200);
    expect((await call(`orders`, { headers: b.headers })).body.items.map((o: any) => o.id)).not.toContain(body.orderId);
  });

  it("when a checkout comes without the gateway's identities for cart and payments, then 403 and no order: orders cannot act as the customer on its own", async () => {
    const c = customer();
    const own = signIdentity(key, 'orders', { sub: c.sub, role: 'customer' });
    const res = await call('orders', {
      method: 'POST',
      headers: { ...own, 'idempotency-key': randomUUID() },
      body: { paymentMethod: c.token, shippingAddress: address },
    });
    expect(res.status).toBe(403);
    expect(fakes.fakes.cleared).not.toContain(c.sub);
    expect((await call('orders', { headers: c.headers })).body.items).toEqual([]);
  });

  it('when the checkout is malformed or unauthenticated, then 4xx problem+json naming the problem', async () => {
    const c = customer();
    expect(
      (await call('orders', { method: 'POST', headers: c.headers, body: { paymentMethod: c.token, shippingAddress: address } })).body.type,
    ).toMatch(/idempotency-key-required$/);
    const bad = await checkout(c, randomUUID(), { paymentMethod: c.token, shippingAddress: { ...address, country: 'USA' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toContain('body.shippingAddress.country');
    expect((await checkout(c, randomUUID(), { paymentMethod: 'pm_notminenotmine0000000000', shippingAddress: address })).status).toBe(422);
    expect((await call('orders', { method: 'POST', body: {} })).status).toBe(401);
  });

  it('when the read model was corrupted and cleared, then the rebuild restores exactly what it held (status, history, totals)', async () => {
    const { body } = await checkout(customer());
    await waitFor(body.orderId, 'placed');
    await publish('stock', 'stock.rejected.v1', { orderId: body.orderId, reason: 'out-of-stock', shortages: [] });
    const before = await waitFor(body.orderId, 'cancelled');
    const other = (await checkout(customer())).body.orderId;
    await historyWhen(other, (h) => h?.status === 'placed');
    const held = await readModel();
    expect(held.views.map((v) => v.id)).toEqual(expect.arrayContaining([body.orderId, other]));
    // One order's row claims a status, version, total and tracking number its stream never had; its
    // timeline lost an entry, has another altered and one forged. Every other order (the earlier tests'
    // too: shipped, cancelled, placed) is gone from the history altogether.
    await sql(
      `UPDATE order_view SET status = 'shipped', version = 9, total_amount = 1, currency = 'EUR', tracking_number = 'TRK-FORGED' WHERE id = $1`,
      [body.orderId],
    );
    await sql('DELETE FROM order_timeline WHERE order_id = $1 AND version = 2', [body.orderId]);
    await sql(`UPDATE order_timeline SET detail = '{"forged": true}' WHERE order_id = $1 AND version = 3`, [body.orderId]);
    await sql(`INSERT INTO order_timeline (order_id, version, type, occurred_at, detail) VALUES ($1, 4, 'order.shipped.v1', now(), '{}')`, [
      body.orderId,
    ]);
    await sql('DELETE FROM order_timeline WHERE order_id <> $1', [body.orderId]);
    await sql('DELETE FROM order_view WHERE id <> $1', [body.orderId]);
    const corrupted = await readModel();
    // The fulfillment cron catches up by itself the cleared history of an order still under way (it may at
    // any moment now); a finished order's, and the forged one, only the rebuild restores.
    const finished = held.views.filter((v) => v.id !== body.orderId && ['shipped', 'cancelled'].includes(String(v.status)));
    expect(finished.length).toBeGreaterThan(0);
    expect(corrupted.views.filter((v) => finished.some((f) => f.id === v.id))).toEqual([]);
    expect(corrupted.timeline.filter((t) => t.order_id === body.orderId)).toHaveLength(3);
    expect((await call(`orders/${body.orderId}`, { headers: admin })).body).toMatchObject({
      status: 'shipped',
      total: { amount: 1, currency: 'EUR' },
    });

    const rebuilt = await rebuild();
    expect(rebuilt.status).toBe(202);
    // Every order replayed from its stream: one per order the history held, one event per timeline entry.
    expect(rebuilt.done).toMatchObject({
      state: 'succeeded',
      prune: false,
      result: { rebuilt: held.views.length, events: held.timeline.length, kept: 0, pruned: 0 },
    });
    expect(await readModel()).toEqual(held);
    for (const id of [body.orderId, other]) expect(await history(id)).toEqual(asStored(await storedStream(id)));
    const after = (await call(`orders/${body.orderId}`, { headers: admin })).body;
    expect(after).toEqual(before);
  });

  it("when an order's stream is missing from the event store, then a rebuild keeps its history; only an explicit prune deletes it", async () => {
    const { body } = await checkout(customer());
    const before = await historyWhen(body.orderId, (h) => h?.status === 'placed');
    const held = await readModel();
    const others = {
      views: held.views.filter((v) => v.id !== body.orderId),
      timeline: held.timeline.filter((t) => t.order_id !== body.orderId),
    };
    const deleted = await fetch(stateUrl(`/order-${body.orderId}`), { method: 'DELETE', headers: stack.daprHeaders('orders') });
    expect(deleted.status).toBe(204);

    // Without prune (no body, or prune false) the history never shrinks: every row stays as it was.
    const replayed = { rebuilt: others.views.length, events: others.timeline.length };
    for (const without of [undefined, { prune: false }]) {
      const kept = await rebuild(without);
      expect({ status: kept.status, state: kept.done.state, result: kept.done.result }).toEqual({
        status: 202,
        state: 'succeeded',
        result: { ...replayed, kept: 1, pruned: 0 },
      });
      expect(await readModel()).toEqual(held);
    }
    expect(await history(body.orderId)).toEqual(before);
    expect((await call('admin/read-model/rebuild', { method: 'POST', headers: admin, body: { prune: 'yes' } })).status).toBe(400);
    expect(await readModel()).toEqual(held);

    // With prune, only the order without a stream goes.
    const pruned = await rebuild({ prune: true });
    expect({ status: pruned.status, state: pruned.done.state, result: pruned.done.result }).toEqual({
      status: 202,
      state: 'succeeded',
      result: { ...replayed, kept: 0, pruned: 1 },
    });
    expect(await history(body.orderId)).toBeUndefined();
    expect(await readModel()).toEqual(others);
    expect((await call(`orders/${body.orderId}`, { headers: admin })).status).toBe(404);
    // Its registration stays: a store restored later can still bring it back with a rebuild.
    expect(await sql('SELECT 1 FROM order_registry WHERE order_id = $1', [body.orderId])).toHaveLength(1);
  });

  it("when an order's first events were never projected and a later one is delivered, then the history catches up from the stream by itself", async () => {
    // v1 and v2 are lost on the way: only v3 order.cancelled.v1 is published. The order is not even
    // registered, so the saga redrive cannot find it: only its projector can heal it.
    const id = randomUUID();
    const stream = await cancelledStream(id, new Date());
    await writeStream(id, stream, true);
    expect(await historyWhen(id, (h) => h?.version === 3)).toEqual(asStored(stream));
    expect(logged('order history caught up from the event stream', id)).toBe(true);
  });

  it("when an order's history lags its stream and no event of it comes again, then the fulfillment cron catches it up", async () => {
    // Stored, never published, and too recent (an hour ahead) for the redrive to publish its last event
    // again: only the redrive's catch-up can project it.
    const id = randomUUID();
    const stream = await cancelledStream(id, new Date(Date.now() + 3_600_000));
    await writeStream(id, stream, false);
    await sql(`INSERT INTO order_registry (order_id, customer_id, registered_at) VALUES ($1, $2, now() - interval '1 minute')`, [
      id,
      stream[0].data.customerId,
    ]);
    expect(await historyWhen(id, (h) => h?.version === 3)).toEqual(asStored(stream));
    expect(logged('order history caught up from the event stream', id)).toBe(true);
    expect(logged('saga stalled; its last event is published again', id)).toBe(false);
  });

  it('when the publish of an order event was lost, then the fulfillment cron publishes it again and the saga goes on', async () => {
    // A real order's stream, copied under a new id with a plain state save: stored, never published — as
    // when the broker stops before confirming a publish the sidecar then reports done.
    const { body } = await checkout(customer());
    await waitFor(body.orderId, 'placed');
    const daprUrl = stack.get('orders').daprUrl;
    const asOrders = stack.daprHeaders('orders');
    const stored = (await (await fetch(`${daprUrl}/v1.0/state/orderstore/order-${body.orderId}`, { headers: asOrders })).json()) as {
      events: any[];
    };
    const lostId = randomUUID();
    const longAgo = new Date(Date.now() - 60_000).toISOString();
    const events = stored.events.map((e) => ({ ...e, data: { ...e.data, orderId: lostId, occurredAt: longAgo } }));
    const saved = await fetch(`${daprUrl}/v1.0/state/orderstore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asOrders },
      body: JSON.stringify([{ key: `order-${lostId}`, value: { orderId: lostId, events } }]),
    });
    expect(saved.status).toBe(204);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const projected = async () => (await pg.query('SELECT status FROM order_view WHERE id = $1', [lostId])).rows[0]?.status;
    try {
      await pg.query(`INSERT INTO order_registry (order_id, customer_id, registered_at) VALUES ($1, $2, now() - interval '1 minute')`, [
        lostId,
        events[0].data.customerId,
      ]);
      expect(await projected()).toBeUndefined();
      // Published again through the outbox, and projected like any order.placed.
      const end = Date.now() + 20_000;
      while (!(await projected()) && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
      expect(await projected()).toBe('placed');
    } finally {
      await pg.end();
    }
    expect(stack.get('orders').app!.log()).toMatch(/saga stalled; its last event is published again/);
  });
});
