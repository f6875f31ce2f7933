import { DaprSidecar, DropEvent, createApp, createMetrics, subscriptionPubsub, subscriptionRouter, type EventHandler } from '../../src';
import { listen, memoryLogger } from './helpers';

const schema = {
  type: 'object',
  properties: { orderId: { type: 'string' } },
  required: ['orderId'],
} as const;

describe('subscriptionRouter', () => {
  const seen: string[] = [];
  let failNext = false;
  const handlers: EventHandler<{ orderId: string }>[] = [
    {
      pubsub: 'pubsub',
      topic: 'orders',
      type: 'order.placed.v1',
      schema,
      async handle(data) {
        if (failNext) {
          failNext = false;
          throw new Error('database down');
        }
        if (data.orderId === 'poison') throw new DropEvent('cannot ever succeed');
        seen.push(data.orderId);
      },
    },
    { pubsub: 'pubsub', topic: 'orders', type: 'order.cancelled.v1', schema, handle: async () => undefined },
  ];
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const { logger } = memoryLogger();
    server = await listen(
      createApp({
        logger,
        metrics: createMetrics('t'),
        routers: [subscriptionRouter(handlers, logger, { deadLetterTopic: 'deadletter' })],
      }),
    );
  });
  afterAll(() => server.close());

  const deliver = async (path: string, event: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string };
  };
  const event = (type: string, data: unknown) => ({ id: '1', source: 'orders', specversion: '1.0', type, data });

  it('when Dapr asks for subscriptions, then one entry per topic routes by event.type with a default and dead letter', async () => {
    const subs = await (await fetch(`${server.url}/dapr/subscribe`)).json();
    expect(subs).toEqual([
      {
        pubsubname: 'pubsub',
        topic: 'orders',
        routes: {
          rules: [
            { match: 'event.type == "order.placed.v1"', path: '/events/orders/order.placed.v1' },
            { match: 'event.type == "order.cancelled.v1"', path: '/events/orders/order.cancelled.v1' },
          ],
          default: '/events/_unrouted',
        },
        deadLetterTopic: 'deadletter',
      },
    ]);
  });

  it('when an event of a type no handler takes arrives, then it is acknowledged (not dead-lettered)', async () => {
    expect(await deliver('/events/_unrouted', event('order.shipped.v1', { orderId: 'o-9' }))).toEqual({ status: 'SUCCESS' });
    expect(seen).not.toContain('o-9');
  });

  it('when a valid event is handled, then SUCCESS', async () => {
    expect(await deliver('/events/orders/order.placed.v1', event('order.placed.v1', { orderId: 'o-1' }))).toEqual({ status: 'SUCCESS' });
    expect(seen).toContain('o-1');
  });

  it('when the handler throws, then RETRY', async () => {
    failNext = true;
    expect(await deliver('/events/orders/order.placed.v1', event('order.placed.v1', { orderId: 'o-2' }))).toEqual({ status: 'RETRY' });
  });

  it('when the data fails its schema, the envelope is malformed, or the handler drops it, then DROP', async () => {
    expect(await deliver('/events/orders/order.placed.v1', event('order.placed.v1', { id: 3 }))).toEqual({ status: 'DROP' });
    expect(await deliver('/events/orders/order.placed.v1', { id: 'no-data' })).toEqual({ status: 'DROP' });
    expect(await deliver('/events/orders/order.placed.v1', event('order.placed.v1', { orderId: 'poison' }))).toEqual({ status: 'DROP' });
    expect(seen).not.toContain('poison');
  });
});

describe('the component of each subscription', () => {
  const handler = (topic: string): EventHandler<never> => ({
    pubsub: 'pubsub',
    topic,
    type: `${topic}.happened.v1`,
    schema: { type: 'object' },
    handle: async () => undefined,
  });
  const subscribe = async (pubsubComponents?: () => Promise<readonly string[]>) => {
    const { logger, lines } = memoryLogger();
    const server = await listen(
      createApp({
        logger,
        metrics: createMetrics('t'),
        routers: [subscriptionRouter([handler('orders'), handler('stock')], logger, { deadLetterTopic: 'deadletter', pubsubComponents })],
      }),
    );
    try {
      const subs = (await (await fetch(`${server.url}/dapr/subscribe`)).json()) as { pubsubname: string; topic: string }[];
      return { subs: subs.map((s) => `${s.topic}@${s.pubsubname}`), lines: lines() };
    } finally {
      await server.close();
    }
  };

  it('when the sidecar has a component `<pubsub>-<topic>`, then that topic is subscribed there and the others on `<pubsub>`', () => {
    expect(subscriptionPubsub('pubsub', 'stock', ['pubsub', 'pubsub-stock', 'orders-outbox'])).toBe('pubsub-stock');
    expect(subscriptionPubsub('pubsub', 'orders', ['pubsub', 'pubsub-stock', 'orders-outbox'])).toBe('pubsub');
    // Only the exact name: not another app's topic, not a prefix.
    expect(subscriptionPubsub('pubsub', 'stock', ['pubsub', 'pubsub-stocks', 'other-stock'])).toBe('pubsub');
    expect(subscriptionPubsub('pubsub', 'stock', undefined)).toBe('pubsub');
  });

  it('when daprd asks and the sidecar lists pubsub-stock, then stock is subscribed on it, orders on pubsub', async () => {
    expect((await subscribe(async () => ['pubsub', 'pubsub-stock'])).subs).toEqual(['orders@pubsub', 'stock@pubsub-stock']);
  });

  it('when no lookup is wired, then every topic stays on the component its handler names', async () => {
    expect((await subscribe()).subs).toEqual(['orders@pubsub', 'stock@pubsub']);
  });

  it('when the lookup fails, then it is asked again and daprd gets the right components (an error would lose every subscription)', async () => {
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw new Error('sidecar busy');
      return ['pubsub', 'pubsub-stock'];
    };
    const { subs, lines } = await subscribe(flaky);
    expect(subs).toEqual(['orders@pubsub', 'stock@pubsub-stock']);
    expect(calls).toBe(3);
    expect(lines.filter((l) => l['log.level'] === 'warn' && String(l.message).includes('pub/sub components'))).toHaveLength(2);
  });

  it("when the sidecar's metadata is read, then only its pub/sub components are named", async () => {
    const client = {
      metadata: {
        get: async () => ({
          id: 'orders',
          actors: [],
          extended: {},
          components: [
            { name: 'pubsub', type: 'pubsub.rabbitmq', version: 'v1', capabilities: [] },
            { name: 'pubsub-stock', type: 'pubsub.rabbitmq', version: 'v1', capabilities: [] },
            { name: 'orderstore', type: 'state.postgresql', version: 'v2', capabilities: [] },
          ],
        }),
      },
    };
    expect(await new DaprSidecar(client as never).pubsubs()).toEqual(['pubsub', 'pubsub-stock']);
  });
});
