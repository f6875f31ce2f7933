// Issue 4 fault test: while checkouts are in flight, orders, then catalog, then payments are killed with
// SIGKILL and restarted. Clients retry what failed with the same Idempotency-Key, as they should.
// Afterwards every accepted order is terminal, none is duplicated, and stock and payments add up.
import { randomUUID } from 'node:crypto';
import { ADDRESS, CARDS, Shop, TERMINAL, type Json, type Reply } from './support/shop';

let shop: Shop;
beforeAll(async () => {
  shop = await Shop.start();
});
afterAll(async () => {
  await shop?.stop();
});

const ORDERS = 24;
const STOCK = 15;

it('when services are killed mid-checkout and restarted, then every order ends terminal, once, and stock and payments add up', async () => {
  const admin = await shop.admin();
  const product = await shop.product(admin, STOCK);
  const buyers = await Promise.all(
    Array.from({ length: ORDERS }, async () => {
      const me = await shop.customer();
      const pm = await shop.paymentMethod(me.token, CARDS.ok);
      expect((await shop.call(`/cart/items/${product.id}`, { method: 'PUT', token: me.token, body: { quantity: 1 } })).status).toBe(200);
      return { me, pm, key: randomUUID() };
    }),
  );
  const checkout = (b: (typeof buyers)[number]): Promise<Reply> =>
    shop.call('/orders', {
      method: 'POST',
      token: b.me.token,
      headers: { 'idempotency-key': b.key },
      body: { paymentMethod: b.pm, shippingAddress: ADDRESS },
    });

  // Checkouts go out in waves while the services die one after the other.
  const kills = (async () => {
    for (const app of ['orders', 'catalog', 'payments']) {
      await sleep(300);
      await shop.stack.restartApp(app, 'SIGKILL');
    }
  })();
  const first = await Promise.all(buyers.map(async (b, i) => (await sleep(i * 60), checkout(b))));
  await kills;

  // A client whose checkout failed (the service was down) retries with the same key until it is accepted.
  const accepted: Reply[] = [];
  for (const [i, b] of buyers.entries()) {
    let reply = first[i]!;
    for (let attempt = 0; reply.status !== 202 && attempt < 40; attempt++) {
      expect(reply.status).toBeGreaterThanOrEqual(500); // only the outage may refuse a valid checkout
      await sleep(250);
      reply = await checkout(b);
    }
    expect({ buyer: i, status: reply.status }).toEqual({ buyer: i, status: 202 });
    accepted.push(reply);
  }

  const orders = await Promise.all(accepted.map((r, i) => shop.until(buyers[i]!.me.token, r.body.orderId, TERMINAL, 120_000)));
  // One order per checkout key, however many times it was retried.
  for (const [i, b] of buyers.entries()) {
    const mine = (await shop.call('/orders', { token: b.me.token })).body.items as Json[];
    expect({ buyer: i, orders: mine.map((o) => o.id) }).toEqual({ buyer: i, orders: [accepted[i]!.body.orderId] });
  }
  const shipped = orders.filter((o) => o.status === 'shipped');
  const cancelled = orders.filter((o) => o.status === 'cancelled');
  const refused = first.filter((r) => r.status !== 202).length;
  process.stdout.write(
    `fault test: ${ORDERS} checkouts, ${refused} refused during the outage and retried, ${shipped.length} shipped, ${cancelled.length} cancelled (${cancelled.map((o) => o.cancelReason).join(', ')})\n`,
  );
  expect(shipped.length + cancelled.length).toBe(ORDERS);
  expect(shipped.length).toBeLessThanOrEqual(STOCK);
  // Stock adds up: what is still available is what was not sold (reservations of cancelled orders released).
  await until(async () => (await shop.available(product.id)) === STOCK - shipped.length, 30_000);
  // Payments add up: every shipped order captured exactly once; no cancelled order left authorized or captured.
  for (const o of shipped) {
    const p = (await shop.call(`/admin/payments/${o.id}`, { token: admin })).body;
    expect({ order: o.id, status: p.status, captures: p.history.filter((h: Json) => h.status === 'captured').length }).toEqual({
      order: o.id,
      status: 'captured',
      captures: 1,
    });
  }
  for (const o of cancelled) {
    const p = await shop.call(`/admin/payments/${o.id}`, { token: admin });
    if (p.status === 200)
      await until(
        async () => !['authorized', 'captured'].includes((await shop.call(`/admin/payments/${o.id}`, { token: admin })).body.status),
        30_000,
      );
  }
}, 300_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(200);
  }
}
