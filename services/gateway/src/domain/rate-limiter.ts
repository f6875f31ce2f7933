import { DependencyError, EtagMismatchError, retryOnEtag } from '@shop/kit';
import type { CounterStore } from '../ports';
import { Allowances, type Allowance } from './allowances';
import { counterKey, verdict, windowAt, type RateClass, type Verdict, type Window } from './rate-limit';

export interface RateLimiterOptions {
  limits: Record<RateClass, number>;
  windowSeconds: number;
  /** Most units one lease takes ahead of the requests waiting for it (default 64); 1 makes every request a store write. */
  maxBlock?: number;
  /** Counter keys held in memory at most (default 10,000); beyond, the one leased longest ago is dropped, units and all. */
  maxKeys?: number;
  /** A lease call slower than this fails with a DependencyError and leaves no allowance (default 1,000 ms). */
  leaseTimeoutMs?: number;
  /** Read-and-write attempts of one lease call before the requests waiting for it are refused. */
  maxAttempts?: number;
  now?: () => number;
}

/**
 * Counts requests against a (class, subject) fixed window shared by every replica, with a store call for
 * few of them: a replica leases units from the shared counter (reads it with its ETag, writes count + granted
 * only if nobody wrote in between, else reads again, bounded) and serves requests from those units in
 * memory. Requests of one key that find no unit share the one lease call under way instead of racing it.
 *
 * It never serves more than the limit: every request served spends a unit already added to the shared
 * counter, and no lease takes the counter past the limit. It can serve less: units leased and not used are
 * lost when the window ends (or when the key is dropped from memory, see `maxKeys`). A lease takes at most
 * a block more than the requests waiting for it, a block being at most 1/8 of what was left of the limit
 * (and at most `maxBlock`), and a replica leases only when it holds no unit: so what is lost is at most
 * 1/8 of what was left per replica per lease. Limits under 16 get blocks of 1 and lease nothing ahead:
 * one store write per request (or per group of requests waiting together), and nothing is ever lost.
 *
 * RateLimit-Remaining is the limit less the shared count plus this replica's unused units, as last seen.
 */
export class RateLimiter {
  private readonly allowances: Allowances;
  private readonly maxBlock: number;
  private readonly leaseTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;

  constructor(
    private readonly store: CounterStore,
    private readonly options: RateLimiterOptions,
  ) {
    this.allowances = new Allowances(Math.max(1, options.maxKeys ?? 10_000));
    this.maxBlock = Math.max(1, options.maxBlock ?? 64);
    this.leaseTimeoutMs = options.leaseTimeoutMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? Date.now;
  }

  limitOf(rateClass: RateClass): number {
    return this.options.limits[rateClass];
  }

  /** How many counter keys this replica holds in memory (those of the current window only). */
  get keysHeld(): number {
    return this.allowances.size;
  }

  /** Store failures (DependencyError) propagate: the caller decides to fail open. */
  async hit(rateClass: RateClass, subject: string): Promise<Verdict> {
    const window = windowAt(this.now(), this.options.windowSeconds);
    const limit = this.limitOf(rateClass);
    const allowance = this.allowances.of(counterKey(rateClass, subject, window), window.start);
    if (allowance.units > 0) return take(allowance, limit, window);
    if (allowance.exhausted) return refused(limit, window);
    return new Promise<Verdict>((resolve, reject) => {
      allowance.waiting.push({ resolve, reject });
      if (!allowance.leasing) void this.lease(allowance, limit, window);
    });
  }

  /** Leases for the waiting requests until none is left (one such loop per allowance) and settles each. */
  private async lease(allowance: Allowance, limit: number, window: Window): Promise<void> {
    allowance.leasing = true;
    try {
      while (allowance.waiting.length > 0) {
        const granted = await this.withDeadline(this.leaseOnce(allowance, limit));
        if (granted === undefined) {
          // Still losing after every attempt means replicas fight over this key. Letting its requests
          // through (as a store outage does) would make a concurrent burst a way around the limit.
          for (const waiter of allowance.waiting.splice(0)) waiter.resolve(contended(limit));
          return;
        }
        allowance.units += granted;
        this.allowances.leased(allowance);
        for (const waiter of allowance.waiting.splice(0, allowance.units)) waiter.resolve(take(allowance, limit, window));
        if (allowance.sharedCount >= limit) {
          allowance.exhausted = true;
          for (const waiter of allowance.waiting.splice(0)) waiter.resolve(refused(limit, window));
        }
        // Whoever still waits arrived while the write was under way, after `granted` was chosen: lease again.
      }
    } catch (e) {
      // A lease runs only when no unit is left, so a failed one leaves nothing behind; dropping the allowance
      // makes a late answer to an abandoned call land on it rather than on the next request's.
      this.allowances.drop(allowance);
      for (const waiter of allowance.waiting.splice(0)) waiter.reject(e);
    } finally {
      allowance.leasing = false;
    }
  }

  /**
   * One lease call: reads the shared count with its ETag and adds what this replica wants, only if nobody
   * wrote in between, else reads again (bounded). Resolves to the units granted (0 once the limit is
   * reached: nothing is written, and this replica refuses the key without asking again), or undefined when
   * every attempt lost the race.
   */
  private async leaseOnce(allowance: Allowance, limit: number): Promise<number | undefined> {
    const ttlSeconds = this.options.windowSeconds;
    try {
      return await retryOnEtag({ attempts: this.maxAttempts, onConflict: pause }, async () => {
        const current = await this.store.get(allowance.key);
        const count = current?.value.count ?? 0;
        const left = limit - count;
        if (left <= 0) {
          allowance.sharedCount = count;
          return 0;
        }
        const granted = Math.min(left, Math.max(allowance.waiting.length, blockOf(left, this.maxBlock)));
        if (current) await this.store.update(allowance.key, { count: count + granted }, current.etag, ttlSeconds);
        else await this.store.create(allowance.key, { count: granted }, ttlSeconds);
        allowance.sharedCount = count + granted;
        return granted;
      });
    } catch (e) {
      if (e instanceof EtagMismatchError) return undefined;
      throw e;
    }
  }

  /** A hung store call must not hold every later request of its key: they would all wait on it. */
  private async withDeadline<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DependencyError('rate-limit counters', `no lease within ${this.leaseTimeoutMs} ms`)),
        this.leaseTimeoutMs,
      ).unref();
    });
    try {
      return await Promise.race([call, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Units to lease ahead of demand: an eighth of what is left, so replicas leave each other most of it. */
export const blockOf = (left: number, maxBlock: number): number => Math.max(1, Math.min(maxBlock, Math.floor(left / 8)));

/** Serves one request from the allowance: it stands for the shared count less the units still unused. */
function take(allowance: Allowance, limit: number, window: Window): Verdict {
  allowance.units--;
  return verdict(allowance.sharedCount - allowance.units, limit, window);
}

const refused = (limit: number, window: Window): Verdict => verdict(limit + 1, limit, window);

/** Refused briefly: the next second may find the key calmer. */
const contended = (limit: number): Verdict => ({ allowed: false, limit, remaining: 0, resetSeconds: 1 });

/** A short random pause, so racing replicas do not collide again in lockstep. */
const pause = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
