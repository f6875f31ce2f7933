import { fold } from '../../src/domain/order';
import { rebuildJob, rebuildReadModel } from '../../src/use-cases/rebuild-read-model';
import type { OrderEventStore } from '../../src/ports';
import type { OrderReadModel } from '../../src/ports';
import { MemoryEventStore, MemoryReadModel, orderStream } from '../fixtures/memory-stores';

const nothing = { rebuilt: 0, events: 0, kept: 0, pruned: 0 };

// Found by the fuzz suite (issue 10): two rebuilds at once made the second clear the projection under
// the first, which then failed with a 500. And a rebuild of a long history outlasts any request (issue 11:
// the gateway answered 504 while it ran), so it runs in the background: POST starts it, GET follows it.
describe('the read-model rebuild job, one at a time, in the background', () => {
  function deps() {
    let release: () => void = () => undefined;
    const listed = new Promise<string[]>((resolve) => (release = () => resolve([])));
    const knownIds = jest.fn(() => listed);
    const readModel = { knownIds } as unknown as OrderReadModel;
    const events = { load: jest.fn(async () => undefined) } as unknown as OrderEventStore;
    return { readModel, events, knownIds, release: () => release() };
  }
  const clock = () => new Date('2026-12-07T12:00:00.000Z');
  const at = '2026-12-07T12:00:00.000Z';

  it('when a rebuild is started, then it answers running at once, and succeeded with its result once done', async () => {
    const d = deps();
    const job = rebuildJob(d, clock);
    expect(job.status()).toEqual({ state: 'idle' });
    expect(job.start({ prune: true })).toEqual({ state: 'running', prune: true, startedAt: at });
    expect(job.status()).toEqual({ state: 'running', prune: true, startedAt: at });
    d.release();
    await job.settled();
    expect(job.status()).toEqual({ state: 'succeeded', prune: true, startedAt: at, finishedAt: at, result: nothing });
  });

  it('when a rebuild is asked while one runs, then 409 rebuild-in-progress and the first completes', async () => {
    const d = deps();
    const job = rebuildJob(d, clock);
    job.start({ prune: false });
    expect(() => job.start({ prune: false })).toThrow(expect.objectContaining({ status: 409, code: 'rebuild-in-progress' }));
    d.release();
    await job.settled();
    expect(job.status()).toMatchObject({ state: 'succeeded', result: nothing });
    expect(d.knownIds).toHaveBeenCalledTimes(1);
  });

  it('when the last rebuild failed, then the status says why, and the next one runs', async () => {
    const d = deps();
    d.knownIds.mockRejectedValueOnce(new Error('database down'));
    const job = rebuildJob(d, clock);
    job.start({ prune: false });
    await job.settled();
    expect(job.status()).toEqual({ state: 'failed', prune: false, startedAt: at, finishedAt: at, error: 'database down' });
    d.release();
    job.start({ prune: false });
    await job.settled();
    expect(job.status()).toMatchObject({ state: 'succeeded', result: nothing });
  });
});

// Issue 11: after a Redis restart emptied the event store, a rebuild answered {"orders":0,"events":0} and
// erased the history. A rebuild restores what the event store holds and never shrinks the history unless
// told to.
describe('the read-model rebuild, from the event store', () => {
  const ids = ['0b000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000002', '0b000000-0000-4000-8000-000000000003'];

  /** Three orders, each projected from its stream: shipped, cancelled, stock-reserved. */
  async function shop() {
    const events = new MemoryEventStore();
    const readModel = new MemoryReadModel();
    const steps = [
      ['stock-reserved', 'payment-authorized', 'confirmed', 'shipped'],
      ['stock-rejected', 'cancelled'],
      ['stock-reserved'],
    ] as const;
    for (const [i, id] of ids.entries()) {
      await readModel.register(id, 'c0ffee00-0000-4000-8000-000000000001');
      events.streams.set(id, orderStream(id, [...steps[i]!]));
      for (const e of events.streams.get(id)!) await readModel.project(e);
    }
    return { events, readModel };
  }
  /** Each order as the history shows it and as its stream says it is: status, version, timeline. */
  const asShown = async (readModel: MemoryReadModel, id: string) => {
    const o = await readModel.get(id);
    return o && { status: o.status, timeline: o.timeline.map((t) => `v${t.version} ${t.type}`), version: await readModel.versionOf(id) };
  };
  const asStored = (events: MemoryEventStore, id: string) => {
    const stream = events.streams.get(id)!;
    return { status: fold(stream).status, timeline: stream.map((e) => `v${e.data.version} ${e.type}`), version: stream.length };
  };

  it('when the history was corrupted and partly cleared, then the rebuild restores exactly what the event store says', async () => {
    const { events, readModel } = await shop();
    const [shipped, cancelled, reserving] = ids as [string, string, string];
    // Corrupt: one order's row claims a version (and status) its stream never had; another lost its last
    // events and a timeline entry; the third is gone from the history altogether.
    const a = readModel.orders.get(shipped)!;
    a.applied.push({ ...a.applied.at(-1)!, type: 'order.cancelled.v1', data: { ...a.applied.at(-1)!.data, version: 9, reason: 'forged' } });
    const b = readModel.orders.get(cancelled)!;
    b.applied.splice(1);
    b.timeline.delete(2);
    await readModel.remove(reserving);
    expect(await asShown(readModel, shipped)).not.toEqual(asStored(events, shipped));

    await expect(rebuildReadModel({ events, readModel }, { prune: false })).resolves.toEqual({
      rebuilt: 3,
      events: 5 + 3 + 2,
      kept: 0,
      pruned: 0,
    });
    for (const id of ids) expect(await asShown(readModel, id)).toEqual(asStored(events, id));
  });

  it("when an order's stream is missing from the event store, then the rebuild keeps its history as it was and says so", async () => {
    const { events, readModel } = await shop();
    const lost = ids[0]!;
    const before = await readModel.get(lost);
    events.streams.delete(lost);
    await expect(rebuildReadModel({ events, readModel }, { prune: false })).resolves.toEqual({ rebuilt: 2, events: 5, kept: 1, pruned: 0 });
    expect(await readModel.get(lost)).toEqual(before);
  });

  it('when the event store came back empty, then a rebuild shrinks nothing; asked to prune, it deletes those histories and keeps the registrations', async () => {
    const { events, readModel } = await shop();
    events.streams.clear();
    await expect(rebuildReadModel({ events, readModel }, { prune: false })).resolves.toEqual({ rebuilt: 0, events: 0, kept: 3, pruned: 0 });
    for (const id of ids) expect(await readModel.get(id)).toBeDefined();

    await expect(rebuildReadModel({ events, readModel }, { prune: true })).resolves.toEqual({ rebuilt: 0, events: 0, kept: 0, pruned: 3 });
    for (const id of ids) expect(await readModel.get(id)).toBeUndefined();
    expect([...readModel.registry.keys()]).toEqual(ids);
  });

  it('when an order was registered but its checkout never appended, then it is neither rebuilt, kept nor pruned', async () => {
    const { events, readModel } = await shop();
    await readModel.register('0b000000-0000-4000-8000-0000000000ff', 'c0ffee00-0000-4000-8000-000000000001');
    await expect(rebuildReadModel({ events, readModel }, { prune: true })).resolves.toEqual({ rebuilt: 3, events: 10, kept: 0, pruned: 0 });
  });
});
