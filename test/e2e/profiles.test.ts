// Issue 5: the same shop on every infrastructure profile (DAPR_PROFILE, DAPR_SECRETS), with topic
// ownership enforced by the sidecars: only the owner of a topic may publish to it, while the two
// publications a sidecar makes on an app's behalf — dead letters and the outbox's internal topic — still
// go through.
import { randomUUID } from 'node:crypto';
import { ordersPubsub, readDeadLetters } from '@shop/testkit';
import { CARDS, Shop, type Json } from './support/shop';

let shop: Shop;
let admin: string;
/** The order id of the one event published invalid on purpose (below): the event check leaves it out. */
const INVALID_ON_PURPOSE = randomUUID();
beforeAll(async () => {
  shop = await Shop.start({}, {}, { observeEvents: true });
  admin = await shop.admin();
});
afterAll(async () => {
  await shop?.stop();
});

const publish = (via: string, topic: string, type: string, data: unknown, pubsub = 'pubsub') =>
  fetch(`${shop.stack.get(via).daprUrl}/v1.0/publish/${pubsub}/${topic}?metadata.cloudevent.type=${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...shop.stack.daprHeaders(via) },
    body: JSON.stringify(data),
  });

describe(`topic ownership on the ${process.env.DAPR_PROFILE ?? 'default'} profile`, () => {
  it.each([
    ['payments', 'orders'],
    ['catalog', 'orders'],
    ['orders', 'stock'],
    ['catalog', 'payments'],
  ])('when %s publishes to topic %s, which it does not own, then its sidecar refuses with 403 and an error', async (via, topic) => {
    const res = await publish(via, topic, 'order.placed.v1', { orderId: randomUUID() });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errorCode: 'ERR_PUBSUB_FORBIDDEN', message: expect.stringContaining(topic) });
  });

  it('when an owner publishes an event its subscribers must drop, then their sidecars dead-letter it (publishing to `deadletter` for them)', async () => {
    const marker = INVALID_ON_PURPOSE;
    // Owned by orders, so accepted; fails order.placed.v1's schema, so catalog and orders itself DROP it.
    const via = ordersPubsub(shop.stack.infrastructure.components);
    const res = await publish('orders', 'orders', 'order.placed.v1', { orderId: marker, invalid: true }, via);
    expect(res.status).toBe(204);
    const found: Json[] = [];
    const end = Date.now() + 20_000;
    while (found.length < 2 && Date.now() < end) {
      for (const raw of await readDeadLetters(shop.stack)) {
        const event = JSON.parse(raw);
        if (event.data?.orderId === marker) found.push(event);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // One per subscriber that dropped it (catalog, and orders' own projection); delivery being at least
    // once, a copy more is possible. A sidecar refused the dead-letter topic would have said so in its log.
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(new Set(found.map((e) => `${e.type} ${e.source} ${e.topic}`))).toEqual(new Set(['order.placed.v1 orders orders']));
    for (const app of ['catalog', 'orders', 'payments'])
      expect(shop.stack.get(app).sidecar.log()).not.toMatch(/error sending message to dead letter/);
  });

  it('when a customer checks out, then order.placed travels through the outbox (its internal topic is in scope) and the order ships', async () => {
    const product = await shop.product(admin, 3);
    const me = await shop.customer();
    const placed = await shop.order(me.token, product.id, 1, await shop.paymentMethod(me.token, CARDS.ok));
    expect(placed.status).toBe(202);
    const order = await shop.until(me.token, placed.body.orderId, (s) => s === 'shipped');
    expect(order.timeline[0].type).toBe('order.placed.v1');
    expect(await shop.available(product.id)).toBe(2);
  });
});

describe(`the events these tests caused on the ${process.env.DAPR_PROFILE ?? 'default'} profile`, () => {
  it('when every test above has run, then the tap saw the order events, and each event matched the JSON Schema of its CloudEvent type', () => {
    expect(shop.observedTypes()).toEqual(expect.arrayContaining(['order.placed.v1', 'stock.reserved.v1', 'payment.authorized.v1']));
    expect(shop.eventProblems((e) => e.data?.orderId === INVALID_ON_PURPOSE)).toEqual([]);
  });
});
