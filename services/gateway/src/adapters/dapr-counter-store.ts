import type { StateStore, Versioned } from '@shop/kit';
import type { Counter, CounterStore } from '../ports';

/** Rate-limit counters in a Dapr state store (Redis by default): the only place this service touches state. */
export class DaprCounterStore implements CounterStore {
  constructor(private readonly state: StateStore<Counter>) {}

  get(key: string): Promise<Versioned<Counter> | undefined> {
    return this.state.get(key);
  }

  update(key: string, value: Counter, etag: string, ttlSeconds: number): Promise<void> {
    return this.state.save(key, value, { etag, ttlSeconds });
  }

  /**
   * Dapr's "first-write" concurrency without an ETag means "create only if absent" (Redis, PostgreSQL):
   * two replicas creating the same counter cannot both win, so no count is lost. The kit's `create` says
   * EtagMismatchError when the key was there first.
   */
  create(key: string, value: Counter, ttlSeconds: number): Promise<void> {
    return this.state.create(key, value, { ttlSeconds });
  }
}
