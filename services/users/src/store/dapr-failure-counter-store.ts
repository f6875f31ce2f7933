import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyError, EtagMismatchError, type DaprStateStore } from '@shop/kit';
import { ttlSeconds, type FailureWindow } from '../domain/throttle';
import type { FailureCounterStore } from './failure-counter-store';

const MAX_ATTEMPTS = 8;

/**
 * Login failure counters in a Dapr state store (any with ETags and TTL: Redis here). Updates are
 * read-modify-write with the read's ETag, retried a bounded number of times when another replica wrote
 * in between. Creating a counter cannot carry an ETag (Dapr has no "insert if absent"), so the very first
 * failures of a window may race; every later increment is exact.
 */
export class DaprFailureCounterStore implements FailureCounterStore {
  constructor(
    private readonly state: DaprStateStore<FailureWindow>,
    private readonly now: () => number = Date.now,
  ) {}

  async update(key: string, change: (current: FailureWindow | undefined) => FailureWindow | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.state.get(key);
      const current = stored && isWindow(stored.value) ? stored.value : undefined;
      const next = change(current);
      try {
        if (next === current) return;
        const etag = stored?.etag || undefined;
        if (next === undefined) await this.state.delete(key, etag);
        else await this.state.save(key, next, { ...(etag ? { etag } : {}), ttlSeconds: ttlSeconds(next, this.now()) });
        return;
      } catch (e) {
        if (!(e instanceof EtagMismatchError)) throw e;
        if (attempt >= MAX_ATTEMPTS) {
          throw new DependencyError(
            `state store ${this.state.storeName}`,
            `counter ${key} kept changing under ${MAX_ATTEMPTS} attempts`,
            e,
          );
        }
        // Jittered, growing back-off, so contending replicas stop colliding.
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  async delete(key: string): Promise<void> {
    await this.state.delete(key);
  }
}

// Whatever is stored under our key but is not a counter (an older format, a hand edit) counts as none.
function isWindow(value: unknown): value is FailureWindow {
  const w = value as Partial<FailureWindow> | null;
  return typeof w === 'object' && w !== null && Number.isInteger(w.failures) && typeof w.resetAt === 'number';
}
