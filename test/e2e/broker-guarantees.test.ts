// Issue 5: what the saga needs from a broker, asked of each profile's pub/sub through real sidecars:
// replicas of one app COMPETE for its messages (each handled by one replica), and a message the app
// answers RETRY comes back until it is handled. Subscribers played by the test — app id `catalog` in two
// replicas, each with its own sidecar, and app id `payments` in one — receive events published by the
// topic owner's sidecar (`orders`). The MQTT profile cannot give competing consumers: MQTT 3 has no
// consumer groups, and the component's client id is the app id, so two replicas take the one broker
// session from each other. That test states what MQTT does instead, so the difference stays visible.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createApp, createLogger, createMetrics, subscriptionRouter, type EventHandler } from '@shop/kit';
import { Stack, freePort, loadRunFile, ordersPubsub, readComponents } from '@shop/testkit';

interface Delivery {
  replica: string;
  n: number;
}

const run = randomUUID().slice(0, 8);
const deliveries: Delivery[] = [];
const attempts = new Map<number, number>();
const servers: http.Server[] = [];
let stack: Stack;

/** A subscriber app (or one replica of it): the kit's Koa subscriptions, recording what reaches it. */
async function subscriber(name: string, type: 'test.spread.v1' | 'test.flaky.v1'): Promise<number> {
  const logger = createLogger({ service: name, level: 'error' });
  const handlers: EventHandler<{ n: number; run: string }>[] = [
    {
      pubsub: 'pubsub',
      topic: 'orders',
      type: 'test.spread.v1',
      schema: {},
      handle: async (d) => void deliveries.push({ replica: name, n: d.n }),
    },
    {
      pubsub: 'pubsub',
      topic: 'orders',
      type: 'test.flaky.v1',
      schema: {},
      handle: async (d) => {
        const attempt = (attempts.get(d.n) ?? 0) + 1;
        attempts.set(d.n, attempt);
        if (attempt < 3) throw new Error('transient (the test says RETRY twice)');
        deliveries.push({ replica: name, n: d.n });
      },
    },
  ];
  const routes = subscriptionRouter(
    handlers.filter((h) => h.type === type),
    logger,
  );
  const app = createApp({ logger, metrics: createMetrics(name), routers: [routes] });
  const port = await freePort();
  const server = http.createServer(app.callback());
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return port;
}

beforeAll(async () => {
  const one = await subscriber('replica-1', 'test.spread.v1');
  const two = await subscriber('replica-2', 'test.spread.v1');
  const single = await subscriber('single', 'test.flaky.v1');
  stack = await Stack.start({
    apps: [
      { appId: 'catalog', name: 'replica-1', externalAppPort: one },
      { appId: 'catalog', name: 'replica-2', externalAppPort: two },
      { appId: 'payments', name: 'single', externalAppPort: single },
      { appId: 'orders', sidecarOnly: true },
    ],
  });
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const publish = async (type: string, n: number) => {
  const via = ordersPubsub(stack.infrastructure.components);
  const res = await fetch(`${stack.get('orders').daprUrl}/v1.0/publish/${via}/orders?metadata.cloudevent.type=${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders') },
    body: JSON.stringify({ n, run }),
  });
  expect(res.status).toBe(204);
};
const settle = async (until: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!until() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  // A little longer: a duplicate would arrive now.
  await new Promise((r) => setTimeout(r, 1_500));
};

// The broker behind `pubsub` in the profile this run uses (DAPR_PROFILE).
const broker = readComponents(loadRunFile().common.resourcesPaths).find((c) => c.name === 'pubsub')!.type;
const mqtt = broker === 'pubsub.mqtt3';
const handledBy = (who: string[], n: number) => deliveries.filter((d) => d.n === n && who.includes(d.replica)).length;

describe(`broker guarantees of ${broker}`, () => {
  const replicas = ['replica-1', 'replica-2'];
  const N = 20;

  it(
    mqtt
      ? 'when two replicas of one app subscribe over MQTT, then they take the broker session from each other (no competing consumers), and every event still arrives at least once'
      : 'when events are published to two replicas of one app, then each event is handled by exactly one replica',
    async () => {
      for (let n = 0; n < N; n++) await publish('test.spread.v1', n);
      await settle(() => Array.from({ length: N }, (_, n) => handledBy(replicas, n)).every((c) => c >= 1), 20_000);
      const perEvent = Array.from({ length: N }, (_, n) => handledBy(replicas, n));
      if (!mqtt) {
        expect(perEvent).toEqual(Array(N).fill(1));
        return;
      }
      // One session per client id: each replica's connect closes the other's, which reconnects in turn.
      const brokerLog = fs.readFileSync(path.join(stack.runDir, 'mosquitto.log'), 'utf8');
      expect(brokerLog).toMatch(/Client catalog already connected, closing old connection/);
      const lost = replicas.map(
        (r) =>
          (
            stack
              .get(r)
              .sidecar.log()
              .match(/Connection with broker lost/g) ?? []
          ).length,
      );
      expect(lost[0]! + lost[1]!).toBeGreaterThan(0);
      expect(perEvent.every((c) => c >= 1)).toBe(true);
    },
  );

  it('when the app answers RETRY, then the event comes back until it is handled, once', async () => {
    await publish('test.flaky.v1', 1000);
    await settle(() => handledBy(['single'], 1000) > 0, 20_000);
    expect(attempts.get(1000)).toBe(3);
    expect(handledBy(['single'], 1000)).toBe(1);
  });
});
