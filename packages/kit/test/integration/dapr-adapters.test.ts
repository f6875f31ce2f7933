// The kit's Dapr adapters against a real daprd and the local Redis: what the SDK reports as `{error}`
// must throw, ETags must guard writes, and the Koa-served subscriptions must get SUCCESS / RETRY /
// DROP semantics (with the dead-letter topic) from the real sidecar.
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DaprClient } from '@dapr/dapr';
import { Stack, freePort } from '@shop/testkit';
import {
  AppError,
  DependencyError,
  DropEvent,
  EtagMismatchError,
  createApp,
  createLogger,
  createMetrics,
  routerFor,
  route,
  subscriptionRouter,
  type EventHandler,
} from '../../src';
import { createDaprClient } from '../../src/dapr/client';
import { invokeApp } from '../../src/dapr/invoke';
import { publishEvent } from '../../src/dapr/pubsub';
import { readSecret } from '../../src/dapr/secrets';
import { DaprStateStore } from '../../src/dapr/state';

const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } as const;
const topic = `kit-it-${randomUUID().slice(0, 8)}`;
const deadTopic = `${topic}-dead`;
const until = async (what: string, fn: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('kit Dapr adapters against a real sidecar', () => {
  const logger = createLogger({ service: 'kit-it', level: 'error' });
  const handled: number[] = [];
  const dead: unknown[] = [];
  const flakyAttempts = new Map<number, number>();
  let server: http.Server;
  let stack: Stack;
  let client: DaprClient;
  let store: DaprStateStore<{ v: number }>;

  beforeAll(async () => {
    const handlers: EventHandler<{ n: number }>[] = [
      { pubsub: 'pubsub', topic, type: 'thing.happened.v1', schema, handle: async (d) => void handled.push(d.n) },
      {
        pubsub: 'pubsub',
        topic,
        type: 'thing.flaky.v1',
        schema,
        handle: async (d) => {
          const attempt = (flakyAttempts.get(d.n) ?? 0) + 1;
          flakyAttempts.set(d.n, attempt);
          if (attempt < 3) throw new Error('transient');
          handled.push(d.n);
        },
      },
      { pubsub: 'pubsub', topic, type: 'thing.poison.v1', schema, handle: async () => Promise.reject(new DropEvent('never valid')) },
    ];
    const deadHandlers: EventHandler<unknown>[] = ['thing.poison.v1', 'thing.happened.v1'].map((type) => ({
      pubsub: 'pubsub',
      topic: deadTopic,
      type,
      schema: {},
      handle: async (d) => void dead.push(d),
    }));
    const probe = route({
      method: 'GET',
      path: '/things/:id',
      summary: 'probe',
      handle: async () => Promise.reject(new AppError({ status: 404, code: 'no-thing', title: 'No such thing' })),
    });
    const app = createApp({
      logger,
      metrics: createMetrics('kit-it'),
      routers: [
        subscriptionRouter([...handlers, ...deadHandlers] as EventHandler<never>[], logger, { deadLetterTopic: deadTopic }),
        routerFor([probe]),
      ],
    });
    const port = await freePort();
    server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    stack = await Stack.start({
      apps: [{ appId: 'kit-it', externalAppPort: port }],
      resourcesPaths: [path.join(__dirname, '..', 'fixtures', 'components')],
      secrets: { 'kit-it-secret': 'forty-two' },
    });
    const sidecar = stack.get('kit-it');
    client = createDaprClient({ daprHost: '127.0.0.1', daprHttpPort: sidecar.ports.http, daprApiToken: sidecar.daprApiToken }, logger);
    store = new DaprStateStore(client, 'statestore');
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((r) => server?.close(r));
  });

  it('when a value is saved, then get returns it with an ETag, and a stale ETag is refused', async () => {
    const key = `k-${randomUUID()}`;
    await store.save(key, { v: 1 });
    const first = await store.get(key);
    expect(first?.value).toEqual({ v: 1 });
    expect(first?.etag).toBeTruthy();
    await store.save(key, { v: 2 }, { etag: first!.etag });
    await expect(store.save(key, { v: 3 }, { etag: first!.etag })).rejects.toBeInstanceOf(EtagMismatchError);
    await expect(store.delete(key, first!.etag)).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await store.get(key))?.value).toEqual({ v: 2 });
  });

  it('when an item is created twice, then the second create is a conflict and the first value stays', async () => {
    const key = `c-${randomUUID()}`;
    await store.create(key, { v: 1 });
    await expect(store.create(key, { v: 2 })).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await store.get(key))?.value).toEqual({ v: 1 });
  });

  it('when a missing key is read, then undefined', async () => {
    expect(await store.get(`missing-${randomUUID()}`)).toBeUndefined();
  });

  it('when a transaction carries a stale ETag, then it throws EtagMismatchError and that key keeps its value', async () => {
    const a = `a-${randomUUID()}`;
    await store.save(a, { v: 1 });
    const stale = (await store.get(a))!.etag;
    await store.save(a, { v: 2 });
    await expect(store.transact([{ operation: 'upsert', key: a, value: { v: 3 }, etag: stale }])).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await store.get(a))?.value).toEqual({ v: 2 });
    await store.transact([{ operation: 'delete', key: a }]);
    expect(await store.get(a)).toBeUndefined();
  });

  // A Dapr fact that shapes the design: Redis runs a transaction's operations in MULTI/EXEC, which has no
  // rollback, so when one ETag-guarded operation fails the others still apply. Anything that must be
  // all-or-nothing on the default profile lives in ONE key (the orders service keeps each order's events
  // in a single key for this reason). Transactional SQL stores (the PostgreSQL profile) do roll back.
  it('when a multi-key transaction fails on Redis, then its other operations are not rolled back', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await store.save(a, { v: 1 });
    const stale = (await store.get(a))!.etag;
    await store.save(a, { v: 2 });
    await expect(
      store.transact([
        { operation: 'upsert', key: b, value: { v: 9 } },
        { operation: 'upsert', key: a, value: { v: 3 }, etag: stale },
      ]),
    ).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await store.get(b))?.value).toEqual({ v: 9 });
    expect((await store.get(a))?.value).toEqual({ v: 2 });
  });

  it('when a value is saved with a TTL, then it expires', async () => {
    const key = `ttl-${randomUUID()}`;
    await store.save(key, { v: 1 }, { ttlSeconds: 1 });
    expect(await store.get(key)).toBeDefined();
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await store.get(key)).toBeUndefined();
  });

  it('when a store does not exist, then a DependencyError is thrown, not returned', async () => {
    const missing = new DaprStateStore(client, 'no-such-store');
    await expect(missing.save('k', { v: 1 })).rejects.toBeInstanceOf(DependencyError);
    await expect(missing.get('k')).rejects.toBeInstanceOf(DependencyError);
  });

  it('when an event is published, then the Koa subscription handles it', async () => {
    await publishEvent(client, 'pubsub', topic, 'thing.happened.v1', { n: 1 });
    await until('delivery', () => handled.includes(1));
  });

  it('when a handler fails twice, then the sidecar redelivers until it succeeds', async () => {
    await publishEvent(client, 'pubsub', topic, 'thing.flaky.v1', { n: 2 });
    await until('redelivery', () => handled.includes(2));
    expect(flakyAttempts.get(2)).toBe(3);
  });

  it('when a handler drops an event or its data fails the schema, then it reaches the dead-letter topic', async () => {
    await publishEvent(client, 'pubsub', topic, 'thing.poison.v1', { n: 3 });
    await publishEvent(client, 'pubsub', topic, 'thing.happened.v1', { wrong: true });
    await until('dead letters', () => dead.length >= 2);
    expect(dead).toEqual(expect.arrayContaining([{ n: 3 }, { wrong: true }]));
    expect(handled).not.toContain(3);
  });

  it('when publishing to a pub/sub that does not exist, then it throws', async () => {
    await expect(publishEvent(client, 'no-such-pubsub', topic, 'thing.happened.v1', { n: 4 })).rejects.toBeInstanceOf(DependencyError);
  });

  it('when a secret exists, then it is read; when it does not, then the error names it', async () => {
    expect(await readSecret(client, 'secretstore', 'kit-it-secret')).toBe('forty-two');
    await expect(readSecret(client, 'secretstore', 'no-such-secret')).rejects.toThrow(/no-such-secret/);
  });

  it('when an invoked app answers 404, then an AppError with that status; an unknown app is a DependencyError', async () => {
    await expect(invokeApp(client, 'kit-it', 'things/1')).rejects.toMatchObject({ status: 404, code: 'no-thing' });
    await expect(invokeApp(client, 'no-such-app', 'things/1')).rejects.toBeInstanceOf(DependencyError);
  });
});
