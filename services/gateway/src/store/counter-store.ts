import type { Versioned } from '@shop/kit';

export interface Counter {
  count: number;
}

/**
 * Where rate-limit counters live, shared by every gateway replica. Both writes are conditional, so two
 * replicas counting the same request window never lose an increment: the loser gets EtagMismatchError
 * and reads again.
 */
export interface CounterStore {
  get(key: string): Promise<Versioned<Counter> | undefined>;
  /** Writes only when the key does not exist yet; throws EtagMismatchError when it does. */
  create(key: string, value: Counter, ttlSeconds: number): Promise<void>;
  /** Writes only when the stored ETag is still `etag`; throws EtagMismatchError otherwise. */
  update(key: string, value: Counter, etag: string, ttlSeconds: number): Promise<void>;
}
