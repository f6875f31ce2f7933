import { type StateStore, DependencyError, EtagMismatchError, type SaveOptions, type Versioned } from '@shop/kit';
import type { FailureWindow } from '../../src/domain/throttle';
import { TooManyAttemptsError } from '../../src/domain/errors';
import { LoginThrottle } from '../../src/use-cases/login-throttle';
import { DaprFailureCounterStore, MAX_ATTEMPTS } from '../../src/adapters/dapr-failure-counter-store';

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
    // First-write without an ETag: only if absent.
    create: jest.fn(async (_key: string, value: FailureWindow, options: SaveOptions = {}) => {
      if (stored) throw new EtagMismatchError('statestore', 'k');
      saves.push({ value, options: { ...options, create: true } as SaveOptions });
      stored = { value, etag: String(++version) };
    }),
    delete: jest.fn(async () => {
      stored = undefined;
    }),
  };
  return { state, saves, current: () => stored };
}

/**
 * A state store in memory that honours Dapr's concurrency contract as Redis and PostgreSQL do: a save
 * with an ETag only if it is still current, a create only if the key is absent. Every call yields first,
 * so parallel callers interleave as they would over the network.
 */
class FirstWriteStateStore {
  readonly storeName = 'statestore';
  private readonly items = new Map<string, Versioned<FailureWindow>>();
  private version = 0;
  writes = 0;

  async get(key: string): Promise<Versioned<FailureWindow> | undefined> {
    await new Promise((resolve) => setImmediate(resolve));
    const item = this.items.get(key);
    return item && { value: { ...item.value }, etag: item.etag };
  }

  async save(key: string, value: FailureWindow, options: SaveOptions = {}): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    // Without an ETag a save is last-write-wins: exactly the gap the store must not use for a first write.
    if (options.etag !== undefined && this.items.get(key)?.etag !== options.etag) throw new EtagMismatchError(this.storeName, key);
    this.put(key, value);
  }

  async create(key: string, value: FailureWindow): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.items.has(key)) throw new EtagMismatchError(this.storeName, key);
    this.put(key, value);
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }

  private put(key: string, value: FailureWindow): void {
    this.writes++;
    this.items.set(key, { value: { ...value }, etag: String(++this.version) });
  }
}

const asStore = (state: object) => state as unknown as StateStore<FailureWindow>;
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

  it('when there is no counter yet, then it is created only if absent (first-write), with its TTL', async () => {
    const { state, saves } = fakeState(undefined);
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    expect(saves).toEqual([{ value: { failures: 1, resetAt: NOW + 900_000 }, options: { ttlSeconds: 900, create: true } }]);
    expect(state.save).not.toHaveBeenCalled();
  });

  it('when another replica creates the counter first, then the create fails, and the change is applied on top of theirs with its ETag', async () => {
    const { state, current } = fakeState(undefined);
    state.create.mockImplementationOnce(async () => {
      await state.save('k', { failures: 1, resetAt: NOW + 900_000 });
      throw new EtagMismatchError('statestore', 'k');
    });
    await new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment);
    expect(current()!.value.failures).toBe(2);
    expect(state.save).toHaveBeenLastCalledWith(
      'k',
      { failures: 2, resetAt: NOW + 900_000 },
      { etag: expect.any(String), ttlSeconds: 900 },
    );
  });

  it('when twenty first failures of a window arrive in parallel, then every one is counted', async () => {
    const state = new FirstWriteStateStore();
    const store = new DaprFailureCounterStore(asStore(state), () => NOW);
    await Promise.all(Array.from({ length: 20 }, () => store.update('k', increment)));
    expect((await state.get('k'))!.value.failures).toBe(20);
    expect(state.writes).toBe(20);
  });

  it('when a burst of parallel sign-ins meets a fresh account, then no more than the limit are let through', async () => {
    const state = new FirstWriteStateStore();
    const throttle = new LoginThrottle(
      new DaprFailureCounterStore(asStore(state), () => NOW),
      { account: { maxFailures: 5, windowSeconds: 900 }, client: { maxFailures: 100, windowSeconds: 900 } },
      () => NOW,
    );
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        throttle.reserve('ann@example.com', `client-${i}`).then(
          () => 'checked',
          (e: unknown) => (e instanceof TooManyAttemptsError ? 'refused' : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'checked')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(15);
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
    expect(state.save).toHaveBeenCalledTimes(MAX_ATTEMPTS);
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
    state.create.mockRejectedValueOnce(new DependencyError('state store statestore', 'down'));
    await expect(new DaprFailureCounterStore(asStore(state), () => NOW).update('k', increment)).rejects.toThrow(DependencyError);
    expect(state.create).toHaveBeenCalledTimes(1);
  });
});
