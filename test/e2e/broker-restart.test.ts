// Issue 5, the RabbitMQ profile's promise: the broker stops and starts again in the middle of a run of
// checkouts, and afterwards no order is lost — every order accepted reaches a terminal state, stock and
// payments add up. Durable queues, persistent messages, publisher confirms and manual acks are what make
// that true (components/rabbitmq/pubsub.yaml). Runs only when `pubsub` is RabbitMQ (it restarts the local
// RabbitMQ with rabbitmqctl, on loopback); jest.config.js leaves it out on other brokers.
//
// The shop heals by itself: nobody restarts a sidecar or rebuilds a history here. Dapr 1.18's RabbitMQ
// component runs all AMQP calls of one component on ONE channel, and subscriptions or a publish that
// register or declare at once after a reconnect can take each other's replies, leaving a second
// consumer on a queue that holds messages unacknowledged and never delivers them. The profile therefore
// gives each of the orders sidecar's subscriptions a component of its own (components/rabbitmq/
// pubsub-<topic>.yaml) and its publishes another (orders-outbox.yaml); catalog and payments subscribe to
// one topic each. This checks what that buys: once the sidecars have subscribed again, and again once
// the orders are done, no app queue has more than one consumer (the counts are printed), and every order
// is terminal within 3 minutes of the broker's restart.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { loadRunFile, readComponents } from '@shop/testkit';
import { CARDS, Shop, TERMINAL, type Json, type Reply } from './support/shop';

const run = promisify(execFile);
const ctl = (...args: string[]) => run(process.env.RABBITMQCTL ?? 'rabbitmqctl', args, { timeout: 60_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Consumers of each app queue (`<app>-<topic>`), dead-letter queues (and the header line) left out. */
async function consumers(vhost: string): Promise<Map<string, number>> {
  const { stdout } = await ctl('list_queues', '-q', '-p', vhost, 'name', 'consumers');
  return new Map(
    stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length === 2 && /^\d+$/.test(f[1]!) && !f[0]!.startsWith('dlq-') && f[0] !== 'deadletter')
      .map((f) => [f[0]!, Number(f[1])] as const),
  );
}

/**
 * The broker is back when every app queue has its consumer again: the sidecars reconnect some seconds
 * after it starts, and only then can a collision leave a second one (checking earlier finds nothing).
 */
async function untilResubscribed(vhost: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while ([...(await consumers(vhost)).values()].some((n) => n < 1)) {
    if (Date.now() > end) throw new Error(`the sidecars did not subscribe again within ${ms} ms`);
    await sleep(500);
  }
}

/** App queues with more consumers than the one replica each app runs here: a second, unread consumer. */
const beyondOne = (counts: Map<string, number>) => [...counts].filter(([, n]) => n > 1).map(([name, n]) => `${name}: ${n}`);
const show = (counts: Map<string, number>) => [...counts].map(([name, n]) => `${name} ${n}`).join(', ');

/** The component each of an app's subscriptions is on, from its sidecar's metadata API: `topic@pubsub`. */
async function subscriptionsOf(shop: Shop, app: string): Promise<string[]> {
  const res = await fetch(`${shop.stack.get(app).daprUrl}/v1.0/metadata`, { headers: shop.stack.daprHeaders(app) });
  const body = (await res.json()) as { subscriptions?: { pubsubname: string; topic: string }[] };
  return (body.subscriptions ?? []).map((s) => `${s.topic}@${s.pubsubname}`).sort();
}

// The broker behind `pubsub` in the profile this run uses (DAPR_PROFILE).
const pubsub = readComponents(loadRunFile().common.resourcesPaths).find((c) => c.name === 'pubsub')!;
if (pubsub.type !== 'pubsub.rabbitmq') throw new Error(`this suite restarts RabbitMQ, but pubsub is ${pubsub.type}`);

describe('RabbitMQ restarted during checkouts', () => {
  let shop: Shop;
  let admin: string;
  beforeAll(async () => {
    shop = await Shop.start();
    admin = await shop.admin();
  });
  afterAll(async () => {
    await shop?.stop();
  });

  /** Checks out like a careful client: on any failure, again with the same Idempotency-Key, until 202. */
  const checkout = async (token: string, paymentMethod: string, deadline: number): Promise<Reply> => {
    const key = randomUUID();
    for (;;) {
      const res = await shop
        .call('/orders', {
          method: 'POST',
          token,
          headers: { 'idempotency-key': key },
          body: { paymentMethod, shippingAddress: { name: 'A', line1: '1 Main', city: 'X', postalCode: '1', country: 'US' } },
        })
        .catch((e: unknown) => ({ status: 0, headers: new Headers(), body: String(e) }));
      if (res.status === 202 || Date.now() > deadline) return res;
      await sleep(500);
    }
  };

  it('when the broker stops for a few seconds and starts again during 16 checkouts for 10 units, then every order ends terminal and stock and payments add up', async () => {
    const STOCK = 10;
    const product = await shop.product(admin, STOCK);
    // 13 good cards and 3 declined ones: compensation (release the stock) must survive the restart too.
    const cards = [...Array<string>(13).fill(CARDS.ok), ...Array<string>(3).fill(CARDS.declined)];
    // One after the other: password hashing for 16 sign-ups at once can outlast the gateway's timeout
    // on a busy 2-core machine, and that is not what this test is about.
    const customers: { me: { token: string }; pm: string }[] = [];
    for (const card of cards) {
      const me = await shop.customer();
      const pm = await shop.paymentMethod(me.token, card);
      expect((await shop.call(`/cart/items/${product.id}`, { method: 'PUT', token: me.token, body: { quantity: 1 } })).status).toBe(200);
      customers.push({ me, pm });
    }

    const deadline = Date.now() + 60_000;
    const placing = customers.map(async ({ me, pm }, i) => {
      await sleep(i * 300); // spread over ~5 s, so checkouts land before, during and after the outage
      return checkout(me.token, pm, deadline);
    });
    await sleep(1_200);
    try {
      await ctl('stop_app');
      await sleep(4_000);
    } finally {
      await ctl('start_app');
    }
    const restarted = Date.now();
    const url = shop.stack.infrastructure.env[pubsub.metadata.find((m) => m.name === 'connectionString')!.envRef!]!;
    const vhost = decodeURIComponent(new URL(url).pathname.slice(1));
    await untilResubscribed(vhost);
    const resubscribed = await consumers(vhost);
    const log = [`consumers once resubscribed (${Math.round((Date.now() - restarted) / 1000)} s after the restart): ${show(resubscribed)}`];

    const placed = await Promise.all(placing);
    expect(placed.map((p) => p.status)).toEqual(Array(cards.length).fill(202));

    // No operator action: every order must reach a terminal state by itself, within 3 minutes of the
    // restart. Polled one order at a time, once a second, to keep the load off a busy machine.
    const settleBy = restarted + 180_000;
    const orders: Json[] = placed.map(() => undefined);
    for (;;) {
      for (const [i, p] of placed.entries()) {
        if (orders[i]) continue;
        const res = await shop.call(`/orders/${p.body.orderId}`, { token: customers[i]!.me.token }).catch(() => undefined);
        if (res?.status === 200 && TERMINAL(res.body.status)) orders[i] = res.body;
      }
      if (orders.every(Boolean) || Date.now() > settleBy) break;
      await sleep(1_000);
    }
    const settled = await consumers(vhost);
    const subscriptions = await subscriptionsOf(shop, 'orders');
    log.push(
      `${orders.filter(Boolean).length} of ${orders.length} orders terminal ${Math.round((Date.now() - restarted) / 1000)} s after the restart`,
      `consumers then: ${show(settled)}`,
      `orders subscribes to: ${subscriptions.join(', ')}`,
    );
    console.log(`RabbitMQ restart, no operator action:\n  ${log.join('\n  ')}`);

    // Each of orders' subscriptions is on a component of its own (daprd's own account of them).
    expect(subscriptions.filter((sub) => /^(orders|stock|payments)@/.test(sub))).toEqual([
      'orders@pubsub-orders',
      'payments@pubsub-payments',
      'stock@pubsub-stock',
    ]);
    expect({ resubscribed: beyondOne(resubscribed), settled: beyondOne(settled) }).toEqual({ resubscribed: [], settled: [] });
    expect(placed.filter((_, i) => !orders[i]).map((p) => p.body.orderId)).toEqual([]);
    const shipped = orders.filter((o) => o.status === 'shipped');
    const cancelled = orders.filter((o) => o.status === 'cancelled');
    expect(shipped.length + cancelled.length).toBe(cards.length);
    expect(shipped.length).toBeLessThanOrEqual(STOCK);
    expect(cancelled.every((o) => ['out-of-stock', 'payment-declined'].includes(o.cancelReason))).toBe(true);
    // A declined card never ships (it is cancelled for its card, or earlier for want of stock).
    expect(orders.filter((o, i) => cards[i] === CARDS.declined && o.status !== 'cancelled')).toEqual([]);

    // Stock: what shipped is gone, every cancelled order's reservation was released (eventually).
    const end = Date.now() + 20_000;
    while ((await shop.available(product.id)) !== STOCK - shipped.length && Date.now() < end) await sleep(250);
    expect(await shop.available(product.id)).toBe(STOCK - shipped.length);
    // Payments: one capture per shipped order, none for a cancelled one.
    const payments: Json[] = await Promise.all(
      orders.map(async (o) => (await shop.call(`/admin/payments/${o.id}`, { token: admin })).body),
    );
    const captures = (p: Json) => ((p.history ?? []) as Json[]).filter((h) => h.status === 'captured').length;
    expect(payments.map((p, i) => `${orders[i].status}:${captures(p)}`)).toEqual(
      orders.map((o) => (o.status === 'shipped' ? 'shipped:1' : 'cancelled:0')),
    );
  }, 360_000);
});
