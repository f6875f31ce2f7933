import { OverloadedError } from './errors';

// Password hashing is the one thing here that costs real CPU time (scrypt, tens to hundreds of ms and
// 32 MiB each). Left unbounded, a burst of sign-ups queues in libuv's thread pool until every caller has
// given up and each one is told 504 after its deadline. Instead hashes run a few at a time, and a request
// that could not be hashed before its caller gives up is refused at once (503 with Retry-After), before
// any work is done for it. The rules are pure functions of the queue, the time and the caller's deadline.

export interface HashQueueOptions {
  /** Hashes run at once; more wait their turn, first come first served. */
  concurrency: number;
  /** The longest a request may be kept for its hash (waiting and hashing); also caps a deadline it brings. */
  maxWaitMs: number;
  /** Kept back from the caller's deadline for the rest of the request: the stores, the token, the way back. */
  marginMs: number;
  /** What one hash is assumed to take until one has been timed. */
  initialEstimateMs: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/** Weight of the newest hash time in the moving average (an EWMA): a change of pace shows within a few hashes. */
export const SMOOTHING = 0.3;

/**
 * Hashes to run at once by default: one per CPU (more only lengthens each one), but no more than libuv's
 * thread pool (UV_THREADPOOL_SIZE, 4 unless set) less one thread, kept for DNS lookups and file work.
 */
export function defaultConcurrency(cpus: number, threadPoolSize: number): number {
  return Math.max(1, Math.min(cpus, threadPoolSize - 1));
}

/** How long the caller can still wait: its deadline (epoch ms) less the margin, never more than the maximum. */
export function budgetMs(now: number, deadline: number | undefined, options: Pick<HashQueueOptions, 'maxWaitMs' | 'marginMs'>): number {
  if (deadline === undefined || !Number.isFinite(deadline)) return options.maxWaitMs;
  return Math.min(options.maxWaitMs, deadline - now - options.marginMs);
}

/**
 * Whether one more hash may join a queue that already holds `ahead` (running and waiting). It would finish
 * after ⌊ahead / concurrency⌋ + 1 rounds of the average hash time (a little pessimistic: the running ones
 * are partly done). A free slot always admits: refusing would spare no one anything, and a caller's clock
 * ahead of ours must never turn an idle service into one that refuses everything. A refusal says when the
 * hashes ahead of it will all have been done (at least 1 s).
 */
export function admission(ahead: number, concurrency: number, averageMs: number, budget: number): Admission {
  if (ahead < concurrency) return { admitted: true };
  if ((Math.floor(ahead / concurrency) + 1) * averageMs <= budget) return { admitted: true };
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((ahead * averageMs) / concurrency / 1000)) };
}

/** The moving average after one more timed hash; the first one sets it. */
export function smoothed(average: number | undefined, sampleMs: number): number {
  return average === undefined ? sampleMs : average + SMOOTHING * (sampleMs - average);
}

/** At most `concurrency` hashes at once; a request whose turn would come too late is refused before it waits. */
export class HashQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private averageMs: number | undefined;

  constructor(
    private readonly options: HashQueueOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** What one hash takes, as measured lately. */
  get estimateMs(): number {
    return this.averageMs ?? this.options.initialEstimateMs;
  }

  /** Hashes running and waiting. */
  get length(): number {
    return this.running + this.waiting.length;
  }

  /**
   * Runs `hash` in its turn and times it. Rejects with OverloadedError, without calling it, when it could
   * not be done before `deadline` (the caller's, epoch ms; the configured maximum without one), or when its
   * turn came too late after all (the estimate was wrong): its caller has given up by then.
   */
  async run<T>(hash: () => Promise<T>, deadline?: number): Promise<T> {
    const entered = this.now();
    const budget = budgetMs(entered, deadline, this.options);
    const decision = admission(this.length, this.options.concurrency, this.estimateMs, budget);
    if (!decision.admitted) throw new OverloadedError(decision.retryAfterSeconds);
    const waited = await this.slot();
    try {
      if (waited && this.now() - entered + this.estimateMs > budget) throw new OverloadedError(this.drainSeconds());
      const started = this.now();
      const result = await hash();
      this.averageMs = smoothed(this.averageMs, this.now() - started);
      return result;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Resolves with a slot taken: at once (false) or after waiting for one (true). */
  private slot(): Promise<boolean> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve(false);
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running++;
        resolve(true);
      }),
    );
  }

  private drainSeconds(): number {
    return Math.max(1, Math.ceil((this.length * this.estimateMs) / this.options.concurrency / 1000));
  }
}
