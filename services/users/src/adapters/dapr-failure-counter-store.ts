import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyError, EtagMismatchError, retryOnEtag, type StateStore } from '@shop/kit';
import { ttlSeconds, type FailureWindow } from '../domain/throttle';
import type { FailureCounterStore } from '../ports';

// A burst of parallel attempts on one counter (one account, one client) makes each of them lose a few
// rounds before its write lands: enough attempts, with back-off that spreads them out, that none gives up.
// The limit bounds the contenders anyway: once a window is full, an attempt reads it and writes nothing.
export const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 64;

/**
 * Login failure counters in a Dapr state store (any with ETags and TTL: Redis here). Updates are
 * read-modify-write with the read's ETag, retried a bounded number of times when another replica wrote
 * in between. The first write of a window has no ETag to send: it is a create (Dapr's first-write
 * concurrency without an ETag, "only if absent"), so of a burst of parallel first failures one creates
 * the counter and the others find it there, read it again and count on top: none is lost.
 */
export class DaprFailureCounterStore implements FailureCounterStore {
  constructor(
    private readonly state: StateStore<FailureWindow>,
    private readonly now: () => number = Date.now,
  ) {}

  async update(key: string, change: (current: FailureWindow | undefined) => FailureWindow | undefined): Promise<void> {
    // Exponential back-off with full jitter, so contending callers stop colliding.
    const backOff = (attempt: number) => sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
    try {
      await retryOnEtag({ attempts: MAX_ATTEMPTS, onConflict: backOff }, async () => {
        const stored = await this.state.get(key);
        const current = stored && isWindow(stored.value) ? stored.value : undefined;
        const next = change(current);
        if (next === current) return;
        const etag = stored?.etag || undefined;
        if (next === undefined) await this.state.delete(key, etag);
        else if (!stored) await this.state.create(key, next, { ttlSeconds: ttlSeconds(next, this.now()) });
        else await this.state.save(key, next, { ...(etag ? { etag } : {}), ttlSeconds: ttlSeconds(next, this.now()) });
      });
    } catch (e) {
      if (!(e instanceof EtagMismatchError)) throw e;
      throw new DependencyError(`state store ${this.state.storeName}`, `counter ${key} kept changing under ${MAX_ATTEMPTS} attempts`, e);
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
