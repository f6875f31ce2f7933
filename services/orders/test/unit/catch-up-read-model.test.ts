// Issue 11: in a bench run one order's history never got its order.placed.v1, and every later event of
// it was refused ("arrived before the order was projected") until the run ended. The projector now reads
// the order's stream when an event does not follow what the history holds, and projects what is missing.
import { createLogger, type EventHandler } from '@shop/kit';
import { fold, type OrderEvent } from '../../src/domain/order';
import { sagaHandlers } from '../../src/events/saga.handlers';
import { projectOrderEvent } from '../../src/use-cases/catch-up-read-model';
import { MemoryEventStore, MemoryReadModel, orderStream } from '../fixtures/memory-stores';

const ID = '0a000000-0000-4000-8000-000000000001';

function setUp(stream: OrderEvent[]) {
  const events = new MemoryEventStore();
  events.streams.set(ID, stream);
  const readModel = new MemoryReadModel();
  const deps = { events, readModel, logger: createLogger({ service: 'test', level: 'error' }), now: () => new Date() };
  return { deps, events, readModel };
}

/** What the history shows of the order, next to what its stream says it is. */
async function shown(readModel: MemoryReadModel) {
  const order = await readModel.get(ID);
  return order && { status: order.status, timeline: order.timeline.map((t) => `v${t.version} ${t.type}`) };
}
const said = (stream: OrderEvent[]) => ({
  status: fold(stream).status,
  timeline: stream.map((e) => `v${e.data.version} ${e.type}`),
});

describe('the order history meets a gap', () => {
  const stream = orderStream(ID, ['stock-reserved', 'payment-authorized', 'confirmed', 'shipped']);

  it('when the first event was never projected and a later one arrives, then the history catches up with the whole stream', async () => {
    const { deps, readModel } = setUp(stream);
    await projectOrderEvent(deps, stream[1]!);
    expect(await shown(readModel)).toEqual(said(stream));
  });

  it('when an event in the middle was lost, then the one after it fills the hole in order, and the lost one arriving late changes nothing', async () => {
    const { deps, readModel } = setUp(stream);
    await projectOrderEvent(deps, stream[0]!);
    await projectOrderEvent(deps, stream[2]!); // v2 order.stock-reserved.v1 never came
    expect(await readModel.versionOf(ID)).toBe(5);
    await projectOrderEvent(deps, stream[1]!);
    await projectOrderEvent(deps, stream[4]!);
    expect(await shown(readModel)).toEqual(said(stream));
  });

  it('when the events arrive in order, then the stream is never read', async () => {
    const { deps, events, readModel } = setUp(stream);
    for (const e of stream) await projectOrderEvent(deps, e);
    for (const e of stream) await projectOrderEvent(deps, e); // redelivered, all of them
    expect(events.loads).toBe(0);
    expect(await shown(readModel)).toEqual(said(stream));
  });

  it('when the event store does not hold the event (its stream is gone), then the delivery fails and nothing is projected', async () => {
    const { deps, events, readModel } = setUp(stream);
    events.streams.delete(ID);
    await expect(projectOrderEvent(deps, stream[2]!)).rejects.toThrow(/v3 is beyond its event stream \(v0\)/);
    expect(await readModel.get(ID)).toBeUndefined();
  });

  it("when the saga's own handler gets order.shipped.v1 for an order whose history holds nothing, then it answers success with the history caught up", async () => {
    const { deps, readModel } = setUp(stream);
    const handlers = sagaHandlers(deps) as unknown as EventHandler<Record<string, unknown>>[];
    const shipped = handlers.find((h) => h.type === 'order.shipped.v1')!;
    await expect(shipped.handle(stream[4]!.data, {} as never)).resolves.toBeUndefined();
    expect(await shown(readModel)).toEqual(said(stream));
  });
});
