import { type DaprStateStore, DependencyError, EtagMismatchError, type SaveOptions, type Versioned } from '@shop/kit';
import type { FailureWindow } from '../../src/domain/throttle';
import { DaprFailureCounterStore } from '../../src/store/dapr-failure-counter-store';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');

/** A state store double that loses the first `conflicts` writes to "another replica". */
function fakeState(initial: Versioned<FailureWindow> | undefined, conflicts = 0) {
  let stored = initial;
  let version = 1;
  const saves: Array<{ value: FailureWindow; options: SaveOptions }> = [];
  const state = {
    storeName: 'statestore',
    get: jest.fn(async () => stored),
    save: jest.fn(async (_key: string, value: FailureWindow, options: SaveOptions = {}) => {
      if (conflicts > 0) {
        conflicts--;
        // Someone else counted a failure in between.
        stored = { value: { ...stored!.value, failures: stored!.value.failures + 1 }, etag: String(++version) };
        throw new EtagMismatchError('statestore', 'k');
      }
      if (options.etag !== undefined && options.etag !== stored?.etag) throw new EtagMismatchError('statestore', 'k');
      saves.push({ value, options });
      stored = { value, etag: String(++version) };
    }),
    delete: jest.fn(async () => {
      stored = undefined;
    }),
  };
  return { state, saves, current: () => stored };
}

const asStore = (state: object) => state as unknown as DaprStateStore<FailureWindow>;
const increment = (w: FailureWindow | undefined): FailureWindow => ({
  failures: (w?.failures ?? 0) + 1,
  resetAt: w?.resetAt ?? NOW + 900_000,
});

describe('DaprFailureCounterStore', () => {
  it('when a counter exists, then it is written with its ETag and a TTL until its window ends', async () => {
    const { state, saves } = fakeState({ value: { failures: 2, resetAt: NOW + 600_000 }, etag: '1' });
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    expect(saves).toEqual([{ value: { failures: 3, resetAt: NOW + 600_000 }, options: { etag: '1', ttlSeconds: 600 } }]);
  });

  it('when there is no counter yet, then it is created without an ETag', async () => {
    const { state, saves } = fakeState(undefined);
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    expect(saves).toEqual([{ value: { failures: 1, resetAt: NOW + 900_000 }, options: { ttlSeconds: 900 } }]);
  });

  it('when another replica writes first, then the change is applied again to the fresh value', async () => {
    const { state, current } = fakeState({ value: { failures: 1, resetAt: NOW + 600_000 }, etag: '1' }, 2);
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    // Two failures counted elsewhere plus ours: none lost.
    expect(current()!.value.failures).toBe(4);
    expect(state.get).toHaveBeenCalledTimes(3);
  });

  it('when the counter keeps changing, then it gives up after a bounded number of attempts', async () => {
    const { state } = fakeState({ value: { failures: 1, resetAt: NOW + 600_000 }, etag: '1' }, 1_000);
    await expect(new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment)).rejects.toThrow(DependencyError);
    expect(state.save).toHaveBeenCalledTimes(8);
  });

  it('when the change returns the counter unchanged, then nothing is written; when it returns nothing, the counter is deleted', async () => {
    const { state } = fakeState({ value: { failures: 5, resetAt: NOW + 600_000 }, etag: '1' });
    const store = new DaprFailureCounterStore(asStore(state), () => NOW);
    await store.update('k', (w) => w);
    expect(state.save).not.toHaveBeenCalled();
    await store.update('k', () => undefined);
    expect(state.delete).toHaveBeenCalledWith('k', '1');
  });

  it('when something that is not a counter is stored, then it counts as no counter', async () => {
    const { state, saves } = fakeState({ value: { nonsense: true } as unknown as FailureWindow, etag: '7' });
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    expect(saves[0]).toEqual({ value: { failures: 1, resetAt: NOW + 900_000 }, options: { etag: '7', ttlSeconds: 900 } });
  });

  it('when the state store fails otherwise, then the error is not retried', async () => {
    const { state } = fakeState(undefined);
    state.save.mockRejectedValueOnce(new DependencyError('state store statestore', 'down'));
    await expect(new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment)).rejects.toThrow(DependencyError);
    expect(state.save).toHaveBeenCalledTimes(1);
  });
});
