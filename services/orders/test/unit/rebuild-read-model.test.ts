import { exclusiveRebuild } from '../../src/use-cases/rebuild-read-model';
import type { OrderEventStore } from '../../src/store/event-store';
import type { OrderReadModel } from '../../src/store/read-model';

// Found by the fuzz suite (issue 10): two rebuilds at once made the second clear the projection under
// the first, which then failed with a 500.
describe('the read-model rebuild', () => {
  function deps() {
    let release: () => void = () => undefined;
    const cleared = new Promise<void>((resolve) => (release = resolve));
    const clear = jest.fn(() => cleared);
    const readModel = {
      clear,
      registeredIds: jest.fn(async () => []),
      project: jest.fn(async () => undefined),
    } as unknown as OrderReadModel;
    const events = { load: jest.fn(async () => undefined) } as unknown as OrderEventStore;
    return { readModel, events, clear, release: () => release() };
  }

  it('when a rebuild is asked while one runs, then 409 rebuild-in-progress and the first completes', async () => {
    const d = deps();
    const rebuild = exclusiveRebuild(d);
    const first = rebuild();
    await expect(rebuild()).rejects.toMatchObject({ status: 409, code: 'rebuild-in-progress' });
    d.release();
    await expect(first).resolves.toEqual({ orders: 0, events: 0 });
    expect(d.clear).toHaveBeenCalledTimes(1);
  });

  it('when the last rebuild has finished (or failed), then the next one runs', async () => {
    const d = deps();
    d.clear.mockRejectedValueOnce(new Error('database down'));
    const rebuild = exclusiveRebuild(d);
    await expect(rebuild()).rejects.toThrow('database down');
    d.release();
    await expect(rebuild()).resolves.toEqual({ orders: 0, events: 0 });
  });
});
