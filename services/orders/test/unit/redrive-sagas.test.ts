import { EtagMismatchError, createLogger } from '@shop/kit';
import type { OrderEvent } from '../../src/domain/order';
import type { SagaDeps } from '../../src/use-cases/advance-order';
import type { OrderEventStore, OrderStream } from '../../src/ports';
import type { OrderReadModel } from '../../src/ports';
import { SagaRedrive } from '../../src/use-cases/redrive-sagas';
import { MemoryEventStore, MemoryReadModel, orderStream } from '../fixtures/memory-stores';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const AFTER = 60_000;
const event = (orderId: string, type: OrderEvent['type'], version: number, at: number): OrderEvent => ({
  type,
  data: { orderId, customerId: 'c', version, occurredAt: new Date(at).toISOString() },
});

/**
 * Streams in memory; republishLast records what it would publish and checks the ETag like the store. The
 * history holds each stream whole, unless `held` says it holds less of one.
 */
function setUp(streams: Record<string, OrderEvent[]>, unfinished: string[], held: Record<string, number> = {}) {
  const stored = new Map(Object.entries(streams).map(([id, events]) => [id, { events, etag: `${events.length}` }]));
  const republished: string[] = [];
  let now = T0;
  const asked: Date[] = [];
  const events: OrderEventStore = {
    load: async (id) => {
      const s = stored.get(id);
      return s && { events: [...s.events], etag: s.etag };
    },
    append: async () => {
      throw new Error('the redrive never appends');
    },
    republishLast: async (id: string, stream: OrderStream) => {
      if (stored.get(id)?.etag !== stream.etag) throw new EtagMismatchError('orderstore', id);
      republished.push(`${id} ${stream.events.at(-1)!.type}`);
    },
  };
  const projected: string[] = [];
  const readModel = {
    unfinishedIds: async (before: Date) => {
      asked.push(before);
      return unfinished;
    },
    versionOf: async (id: string) => held[id] ?? stored.get(id)?.events.length ?? 0,
    project: async (e: OrderEvent) => {
      projected.push(`${e.data.orderId} v${e.data.version}`);
      held[e.data.orderId] = e.data.version;
      return { status: 'projected' };
    },
  } as unknown as OrderReadModel;
  const deps: SagaDeps = { events, readModel, logger: createLogger({ service: 'test', level: 'error' }), now: () => new Date(now) };
  return { redrive: new SagaRedrive(deps, AFTER), events, republished, projected, asked, stored, at: (t: number) => (now = t) };
}

describe('saga redrive', () => {
  it('when an unfinished order has had no event for longer than the limit, then its last event is published again, and a recent one the history holds is left alone', async () => {
    const { redrive, republished, projected, asked, at } = setUp(
      {
        stalled: [event('stalled', 'order.placed.v1', 1, T0 - 120_000), event('stalled', 'order.stock-reserved.v1', 2, T0 - 90_000)],
        // Its saga moved on 10 s ago, and the history holds it: only slow, not stalled.
        recent: [event('recent', 'order.placed.v1', 1, T0 - 120_000), event('recent', 'order.stock-reserved.v1', 2, T0 - 10_000)],
      },
      ['stalled', 'recent', 'never-appended'],
    );
    at(T0);
    expect(await redrive.run()).toEqual({ redriven: 1, caughtUp: 0 });
    expect(republished).toEqual(['stalled order.stock-reserved.v1']);
    expect(projected).toEqual([]);
    expect(asked).toEqual([new Date(T0 - AFTER)]);
  });

  it('when the history lags a stream that moved on recently, then it is caught up and that recent last event is published again at once', async () => {
    // Lost after its commit: the confirmation reached neither this history nor, maybe, payments. Once the
    // history holds it the sweep ships the order and no pass looks at it again, so now is the only time.
    const { redrive, republished, projected, at } = setUp(
      { lagging: [event('lagging', 'order.placed.v1', 1, T0 - 120_000), event('lagging', 'order.confirmed.v1', 2, T0 - 10_000)] },
      ['lagging'],
      { lagging: 1 },
    );
    at(T0);
    expect(await redrive.run()).toEqual({ redriven: 1, caughtUp: 1 });
    expect(projected).toEqual(['lagging v2']);
    expect(republished).toEqual(['lagging order.confirmed.v1']);
  });

  it('when an order stays stalled, then it is published again once per limit, not on every run', async () => {
    const { redrive, republished, at } = setUp({ s: [event('s', 'order.placed.v1', 1, T0 - 120_000)] }, ['s']);
    at(T0);
    await redrive.run();
    at(T0 + 2_000);
    await redrive.run();
    at(T0 + 30_000);
    await redrive.run();
    expect(republished).toHaveLength(1);
    at(T0 + AFTER);
    await redrive.run();
    expect(republished).toEqual(['s order.placed.v1', 's order.placed.v1']);
  });

  it('when the stream changes between the load and the republish, then nothing is published (the saga moved on)', async () => {
    const { redrive, events, republished, stored, at } = setUp({ s: [event('s', 'order.placed.v1', 1, T0 - 120_000)] }, ['s']);
    const load = events.load.bind(events);
    // Another replica appends right after this one loaded the stream.
    events.load = async (id) => {
      const s = await load(id);
      stored.set(id, { ...stored.get(id)!, etag: 'moved' });
      return s;
    };
    at(T0);
    expect(await redrive.run()).toEqual({ redriven: 0, caughtUp: 0 });
    expect(republished).toEqual([]);
  });
});

// Issue 11: the bench's order whose history never got v1 while its stream reached v5 order.shipped.v1.
describe('saga redrive, on an order history that lags its stream', () => {
  const id = '0c000000-0000-4000-8000-000000000001';
  function shop(stream: OrderEvent[]) {
    const events = new MemoryEventStore();
    const readModel = new MemoryReadModel();
    events.streams.set(id, stream);
    void readModel.register(id, stream[0]!.data.customerId);
    const deps: SagaDeps = { events, readModel, logger: createLogger({ service: 'test', level: 'error' }), now: () => new Date(T0) };
    return { redrive: new SagaRedrive(deps, AFTER), events, readModel };
  }

  it('when the history never projected the first event of a shipped order, then one pass projects the whole stream and publishes its last event again', async () => {
    const stream = orderStream(id, ['stock-reserved', 'payment-authorized', 'confirmed', 'shipped'], undefined, T0 - 10_000);
    const { redrive, readModel, events } = shop(stream);
    expect(await redrive.run()).toEqual({ redriven: 1, caughtUp: 1 });
    expect(events.republished).toEqual([`${id} order.shipped.v1`]);
    expect(await readModel.versionOf(id)).toBe(5);
    expect((await readModel.get(id))!.timeline.map((t) => t.type)).toEqual(stream.map((e) => e.type));
    // Shipped here too now: no longer unfinished, so the next pass has nothing to do.
    expect(await readModel.unfinishedIds()).toEqual([]);
  });

  it('when the history lags a stalled saga, then it is caught up and the last event is published again', async () => {
    const stream = orderStream(id, ['stock-reserved'], undefined, T0 - 120_000);
    const { redrive, readModel, events } = shop(stream);
    await readModel.project(stream[0]!);
    expect(await redrive.run()).toEqual({ redriven: 1, caughtUp: 1 });
    expect((await readModel.get(id))!.status).toBe('stock-reserved');
    expect(events.republished).toEqual([`${id} order.stock-reserved.v1`]);
  });
});
