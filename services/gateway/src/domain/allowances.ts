import type { Verdict } from './rate-limit';

/** A request that found no unit left and waits for its key's lease call. */
export interface Waiter {
  resolve(verdict: Verdict): void;
  reject(error: unknown): void;
}

/** What this replica holds of one shared counter (class, subject, window start). */
export class Allowance {
  /** Units leased from the shared counter and not used yet: each serves one request without a store call. */
  units = 0;
  /** The shared count as this replica last read or wrote it (its own lease included). */
  sharedCount = 0;
  /** The shared count reached the limit; counts only grow within a window, so later requests need no read. */
  exhausted = false;
  /** Whether a lease call is under way: requests that find no unit join it rather than race it. */
  leasing = false;
  /** Requests waiting for the lease call under way, served in arrival order. */
  readonly waiting: Waiter[] = [];

  constructor(readonly key: string) {}
}

/**
 * The allowances of the current window, by counter key. A key is forgotten when its window ends (every
 * class shares the window length, so a new window start means every key held is stale) and the longest
 * unleased one is dropped beyond `maxKeys`: memory stays bounded whatever the number of clients.
 */
export class Allowances {
  private readonly byKey = new Map<string, Allowance>();
  private windowStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The allowance of `key`, created empty when this replica holds none. */
  of(key: string, windowStart: number): Allowance {
    if (windowStart > this.windowStart) {
      this.byKey.clear();
      this.windowStart = windowStart;
    }
    let allowance = this.byKey.get(key);
    if (!allowance) {
      if (this.byKey.size >= this.maxKeys) this.dropOldest();
      allowance = new Allowance(key);
      this.byKey.set(key, allowance);
    }
    return allowance;
  }

  /** Moves a freshly leased allowance to the young end, so the cap drops the ones leased longest ago. */
  leased(allowance: Allowance): void {
    if (this.byKey.get(allowance.key) !== allowance) return;
    this.byKey.delete(allowance.key);
    this.byKey.set(allowance.key, allowance);
  }

  /** Forgets an allowance, so that a late answer to an abandoned lease call lands on an orphan. */
  drop(allowance: Allowance): void {
    if (this.byKey.get(allowance.key) === allowance) this.byKey.delete(allowance.key);
  }

  private dropOldest(): void {
    const oldest = this.byKey.keys().next();
    if (!oldest.done) this.byKey.delete(oldest.value);
  }
}
