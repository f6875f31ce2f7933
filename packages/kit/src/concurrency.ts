import { EtagMismatchError } from './errors';

export interface EtagRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Runs after a lost race and before the next attempt (a back-off, a log line). */
  onConflict?: (attempt: number, error: EtagMismatchError) => void | Promise<void>;
}

/**
 * Read, decide, write under optimistic concurrency: runs `attempt` again whenever its guarded write
 * loses the race (EtagMismatchError), up to `attempts` times, then rethrows the last conflict. Any other
 * failure is thrown at once. `attempt` must read afresh each time: it decides on what the winner wrote.
 */
export async function retryOnEtag<T>(policy: EtagRetry, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof EtagMismatchError) || n >= policy.attempts) throw e;
      await policy.onConflict?.(n, e);
    }
  }
}
