import type { FailureWindow } from '../domain/throttle';

/** Where login failure counters live; dapr-failure-counter-store.ts keeps them in a Dapr state store. */
export interface FailureCounterStore {
  /**
   * Replaces the counter at `key` by `change(current)` under optimistic concurrency: when someone else
   * wrote first, `change` runs again on a fresh read, so it must be pure. Returning `current` itself
   * skips the write; returning undefined deletes the counter. A stored counter expires when its window
   * ends.
   */
  update(key: string, change: (current: FailureWindow | undefined) => FailureWindow | undefined): Promise<void>;
  delete(key: string): Promise<void>;
}
