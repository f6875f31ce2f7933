// Issue 4 end to end, through the gateway, every service behind its real sidecar, default profile:
// checkout → stock reservation → payment → confirmation → shipping, compensation on every failure,
// and the money and stock adding up under concurrency and duplicates.
import { randomUUID } from 'node:crypto';
import { CARDS, Shop, TERMINAL, type Json } from './support/shop';

let shop: Shop;
let admin: string;
beforeAll(async () => {
  shop = await Shop.start({}, {}, { observeEvents: true });
  admin = await shop.admin();
});
afterAll(async () => {
  await shop?.stop();
});

const payment = async (orderId: string) => (await shop.call(`/admin/payments/${orderId}`, { token: admin })).body;
const captures = (p: Json) => (p.history as Json[]).filter((h) => h.status === 'captured').length;

describe('checkout', () => {
  it('when a customer pays with 4242…, then the order is confirmed then shipped, stock drops by exactly the quantity, and the payment is captured once', async () => {
    const product = await shop.product(admin, 10);
    const me = await shop.customer();
    const pm = await shop.paymentMethod(me.token, CARDS.ok);
    const placed = await shop.order(me.token, product.id, 3, pm);
    expect(placed.status).toBe(202);
    expect(placed.body).toEqual({ orderId: expect.any(String), status: 'placed' });

    const shipped = await shop.until(me.token, placed.body.orderId, (s) => s === 'shipped');
    expect(shipped.timeline.map((t: Json) => t.type)).toEqual([
      'order.placed.v1',
      'order.stock-reserved.v1',
      'order.payment-authorized.v1',
      'order.confirmed.v1',
      'order.shipped.v1',
    ]);
    expect(shipped.total).toEqual({ amount: 3 * 1999, currency: 'USD' });
    expect(shipped.payment).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(await shop.available(product.id)).toBe(7);
    const pay = await payment(placed.body.orderId);
    expect(pay).toMatchObject({ status: 'captured', amount: { amount: 5997, currency: 'USD' } });
    expect(captures(pay)).toBe(1);
    // The cart was emptied by the checkout.
    expect((await shop.call('/cart', { token: me.token })).body.items).toEqual([]);
  });

  it.each([
    ['declined', CARDS.declined, 'payment-declined'],
    ['insufficient-funds', CARDS.insufficient, 'insufficient-funds'],
  ])('when the card is %s, then the order is cancelled with that reason and the stock is restored', async (_name, card, reason) => {
    const product = await shop.product(admin, 5);
    const me = await shop.customer();
    const placed = await shop.order(me.token, product.id, 2, await shop.paymentMethod(me.token, card));
    const order = await shop.until(me.token, placed.body.orderId, TERMINAL);
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: reason });
    // The release of the reservation follows the cancellation through the broker.
    const end = Date.now() + 10_000;
    while ((await shop.available(product.id)) !== 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await shop.available(product.id)).toBe(5);
    expect((await payment(placed.body.orderId)).status).toBe('failed');
  });

  it('when more is ordered than is in stock, then the order is cancelled as out-of-stock and nothing is charged', async () => {
    const product = await shop.product(admin, 2);
    const me = await shop.customer();
    const pm = await shop.paymentMethod(me.token, CARDS.ok);
    // The cart refuses more than is available, so stock drops after the item is in the cart.
    expect((await shop.call(`/cart/items/${product.id}`, { method: 'PUT', token: me.token, body: { quantity: 2 } })).status).toBe(200);
    expect((await shop.call(`/products/${product.id}/stock`, { method: 'PUT', token: admin, body: { onHand: 1 } })).status).toBe(200);
    const placed = await shop.call('/orders', {
      method: 'POST',
      token: me.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { paymentMethod: pm, shippingAddress: { name: 'A', line1: '1 Main', city: 'X', postalCode: '1', country: 'US' } },
    });
    expect(placed.status).toBe(202);
    const order = await shop.until(me.token, placed.body.orderId, TERMINAL);
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'out-of-stock' });
    // Payments only learnt that the order was cancelled: nothing was authorized, so nothing to void.
    const pay = await payment(placed.body.orderId);
    expect(pay).toMatchObject({ status: 'cancelled', paymentId: null });
    expect(await shop.available(product.id)).toBe(1);
  });

  it('when the same Idempotency-Key is replayed, then the same order comes back and only one exists', async () => {
    const product = await shop.product(admin, 5);
    const me = await shop.customer();
    const pm = await shop.paymentMethod(me.token, CARDS.ok);
    const key = randomUUID();
    const first = await shop.order(me.token, product.id, 1, pm, key);
    const again = await shop.call('/orders', {
      method: 'POST',
      token: me.token,
      headers: { 'idempotency-key': key },
      body: {
        paymentMethod: pm,
        shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
      },
    });
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    await shop.until(me.token, first.body.orderId, TERMINAL);
    expect((await shop.call('/orders', { token: me.token })).body.items).toHaveLength(1);
    expect(await shop.available(product.id)).toBe(4);
  });

  it('when a stock event is delivered twice, then nothing changes', async () => {
    const product = await shop.product(admin, 5);
    const me = await shop.customer();
    const placed = await shop.order(me.token, product.id, 1, await shop.paymentMethod(me.token, CARDS.ok));
    const done = await shop.until(me.token, placed.body.orderId, (s) => s === 'shipped');
    // Replay what catalog published for this order, as an at-least-once broker may.
    const res = await fetch(`${shop.stack.get('catalog').daprUrl}/v1.0/publish/pubsub/stock?metadata.cloudevent.type=stock.reserved.v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...shop.stack.daprHeaders('catalog') },
      body: JSON.stringify({
        orderId: placed.body.orderId,
        lines: [{ productId: product.id, quantity: 1 }],
        expiresAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(204);
    await new Promise((r) => setTimeout(r, 1_500));
    const after = (await shop.call(`/orders/${placed.body.orderId}`, { token: me.token })).body;
    expect(after.timeline).toEqual(done.timeline);
    expect(await shop.available(product.id)).toBe(4);
    expect(captures(await payment(placed.body.orderId))).toBe(1);
  });
});

describe('concurrency', () => {
  it('when 50 customers check out at once for 10 units, then exactly 10 are sold, none oversold, every order terminal, captures = confirmed', async () => {
    const product = await shop.product(admin, 10);
    // Sign-ups run ten at a time: fifty concurrent scrypt hashes would measure the password KDF on two
    // cores, not the checkout. The checkouts themselves all go at once.
    const customers: Array<{ me: { token: string }; pm: string }> = [];
    for (let batch = 0; batch < 5; batch++) {
      customers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, async () => {
            const me = await shop.customer();
            const pm = await shop.paymentMethod(me.token, CARDS.ok);
            expect((await shop.call(`/cart/items/${product.id}`, { method: 'PUT', token: me.token, body: { quantity: 1 } })).status).toBe(
              200,
            );
            return { me, pm };
          }),
        )),
      );
    }
    const placed = await Promise.all(
      customers.map(({ me, pm }) =>
        shop.call('/orders', {
          method: 'POST',
          token: me.token,
          headers: { 'idempotency-key': randomUUID() },
          body: { paymentMethod: pm, shippingAddress: { name: 'A', line1: '1 Main', city: 'X', postalCode: '1', country: 'US' } },
        }),
      ),
    );
    expect(placed.map((p) => p.status)).toEqual(Array(50).fill(202));
    const orders = await Promise.all(placed.map((p, i) => shop.until(customers[i]!.me.token, p.body.orderId, TERMINAL, 90_000)));
    const sold = orders.filter((o) => o.status === 'shipped');
    expect(sold).toHaveLength(10);
    expect(orders.filter((o) => o.status === 'cancelled').every((o) => o.cancelReason === 'out-of-stock')).toBe(true);
    expect(await shop.available(product.id)).toBe(0);
    const payments = await Promise.all(sold.map((o) => payment(o.id)));
    expect(payments.every((p) => p.status === 'captured' && captures(p) === 1)).toBe(true);
  });
});

describe('the events these tests caused', () => {
  it('when every test above has run, then the tap saw events of every topic, and each matched the JSON Schema of its CloudEvent type', () => {
    expect(shop.observedTypes()).toEqual(expect.arrayContaining(['order.placed.v1', 'stock.reserved.v1', 'payment.authorized.v1']));
    expect(shop.eventProblems()).toEqual([]);
  });
});
