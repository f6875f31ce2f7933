import { EtagMismatchError, createLogger } from '@shop/kit';
import type { OrderEvent } from '../../src/domain/order';
import type { SagaDeps } from '../../src/events/saga.handlers';
import type { OrderEventStore, OrderStream } from '../../src/store/event-store';
import type { OrderReadModel } from '../../src/store/read-model';
import { SagaRedrive } from '../../src/use-cases/redrive-sagas';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const AFTER = 60_000;
const event = (orderId: string, type: OrderEvent['type'], version: number, at: number): OrderEvent => ({
  type,
  data: { orderId, customerId: 'c', version, occurredAt: new Date(at).toISOString() },
});

/** Streams in memory; republishLast records what it would publish and checks the ETag like the store. */
function setUp(streams: Record<string, OrderEvent[]>, unfinished: string[]) {
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
  const readModel = {
    unfinishedIds: async (before: Date) => {
      asked.push(before);
      return unfinished;
    },
  } as unknown as OrderReadModel;
  const deps: SagaDeps = { events, readModel, logger: createLogger({ service: 'test', level: 'error' }), now: () => new Date(now) };
  return { redrive: new SagaRedrive(deps, AFTER), events, republished, asked, stored, at: (t: number) => (now = t) };
}

describe('saga redrive', () => {
  it('when an unfinished order has had no event for longer than the limit, then its last event is published again, and a recent one is left alone', async () => {
    const { redrive, republished, asked, at } = setUp(
      {
        stalled: [event('stalled', 'order.placed.v1', 1, T0 - 120_000), event('stalled', 'order.stock-reserved.v1', 2, T0 - 90_000)],
        // The read model lags: it says unfinished, but the stream moved on 10 s ago.
        busy: [event('busy', 'order.placed.v1', 1, T0 - 120_000), event('busy', 'order.confirmed.v1', 2, T0 - 10_000)],
      },
      ['stalled', 'busy', 'never-appended'],
    );
    at(T0);
    expect(await redrive.run()).toBe(1);
    expect(republished).toEqual(['stalled order.stock-reserved.v1']);
    expect(asked).toEqual([new Date(T0 - AFTER)]);
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
    expect(await redrive.run()).toBe(0);
    expect(republished).toEqual([]);
  });
});
