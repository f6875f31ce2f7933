import { StateConcurrencyEnum, StateConsistencyEnum, type DaprClient } from '@dapr/dapr';
import { DaprStateStore, DependencyError, EtagMismatchError, type Versioned } from '@shop/kit';
import type { Counter, CounterStore } from './counter-store';

/** Rate-limit counters in a Dapr state store (Redis by default): the only place this service touches state. */
export class DaprCounterStore implements CounterStore {
  private readonly state: DaprStateStore<Counter>;

  constructor(
    private readonly client: DaprClient,
    readonly storeName: string,
  ) {
    this.state = new DaprStateStore<Counter>(client, storeName);
  }

  get(key: string): Promise<Versioned<Counter> | undefined> {
    return this.state.get(key);
  }

  update(key: string, value: Counter, etag: string, ttlSeconds: number): Promise<void> {
    return this.state.save(key, value, { etag, ttlSeconds });
  }

  /**
   * Dapr's "first-write" concurrency without an ETag means "create only if absent" (the contract of the
   * state conformance tests); the kit's save writes last-write-wins when it has no ETag, which would let
   * two replicas both create the counter and lose a count, so this one call goes to the SDK directly.
   */
  async create(key: string, value: Counter, ttlSeconds: number): Promise<void> {
    let failure: unknown;
    try {
      const result = await this.client.state.save(this.storeName, [
        {
          key,
          value,
          options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG },
          metadata: { ttlInSeconds: String(ttlSeconds) },
        },
      ]);
      if (!result?.error) return;
      failure = result.error;
    } catch (e) {
      failure = e;
    }
    // A refused create is reported like any other failure (Redis: "failed to set key"): whether someone
    // else created the key first is decided by reading it back.
    if (await this.state.get(key)) throw new EtagMismatchError(this.storeName, key, failure);
    throw new DependencyError(`state store ${this.storeName}`, `create ${key} failed`, failure);
  }
}
