import { EtagMismatchError } from '@shop/kit';
import type { CounterStore } from '../store/counter-store';
import { counterKey, verdict, windowAt, type RateClass, type Verdict } from './rate-limit';

export interface RateLimiterOptions {
  limits: Record<RateClass, number>;
  windowSeconds: number;
  /** Read-increment-write attempts before a request that keeps losing the race is refused. */
  maxAttempts?: number;
  now?: () => number;
}

/**
 * Counts one request against a (class, subject) fixed window shared by every replica: read the counter
 * with its ETag, write count + 1 only if nobody wrote in between, else read again (bounded).
 */
export class RateLimiter {
  private readonly maxAttempts: number;
  private readonly now: () => number;

  constructor(
    private readonly store: CounterStore,
    private readonly options: RateLimiterOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? Date.now;
  }

  limitOf(rateClass: RateClass): number {
    return this.options.limits[rateClass];
  }

  /** Store failures (DependencyError) propagate: the caller decides to fail open. */
  async hit(rateClass: RateClass, subject: string): Promise<Verdict> {
    const window = windowAt(this.now(), this.options.windowSeconds);
    const key = counterKey(rateClass, subject, window);
    const limit = this.limitOf(rateClass);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.store.get(key);
      const seen = current?.value.count ?? 0;
      // Over the limit: refuse without writing, so a flood costs one read per request.
      if (seen >= limit) return verdict(seen + 1, limit, window);
      try {
        if (current) await this.store.update(key, { count: seen + 1 }, current.etag, this.options.windowSeconds);
        else await this.store.create(key, { count: 1 }, this.options.windowSeconds);
        return verdict(seen + 1, limit, window);
      } catch (e) {
        if (!(e instanceof EtagMismatchError)) throw e;
        await pause(attempt);
      }
    }
    // Still losing after every attempt means many concurrent requests of one subject. Letting them through
    // (as a store outage does) would make a concurrent burst a way around the limit, so refuse briefly.
    return { allowed: false, limit, remaining: 0, resetSeconds: 1 };
  }
}

/** A short random pause, so racing replicas do not collide again in lockstep. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
