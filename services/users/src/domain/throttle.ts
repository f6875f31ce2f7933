// The rules of login throttling, as pure functions of a counter and the time: no storage, no clock of
// their own. A window opens at the first failure and lasts a fixed time; within it, at most
// `maxFailures` attempts are let through. The counter is kept per account and per client.

export interface FailureWindow {
  failures: number;
  /** When the window ends (ms since the epoch); the store also expires the counter then. */
  resetAt: number;
}

export interface ThrottleLimit {
  maxFailures: number;
  windowSeconds: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function isActive(window: FailureWindow | undefined, now: number): window is FailureWindow {
  return window !== undefined && window.resetAt > now;
}

/** Whether one more attempt may go ahead; if not, how long until the window ends (at least 1 s). */
export function decide(window: FailureWindow | undefined, limit: ThrottleLimit, now: number): ThrottleDecision {
  if (!isActive(window, now) || window.failures < limit.maxFailures) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
}

/** The most restrictive of several decisions: refused if any refuses, for the longest wait. */
export function strictest(decisions: ThrottleDecision[]): ThrottleDecision {
  let retry = 0;
  for (const d of decisions) if (!d.allowed) retry = Math.max(retry, d.retryAfterSeconds);
  return retry > 0 ? { allowed: false, retryAfterSeconds: retry } : { allowed: true };
}

/**
 * Counts one attempt BEFORE the password is checked (a success gives it back): counting only after a
 * failure would let a burst of parallel guesses all pass the check before any of them is counted.
 * A refused attempt leaves the counter as it is.
 */
export function admit(
  window: FailureWindow | undefined,
  limit: ThrottleLimit,
  now: number,
): { window: FailureWindow | undefined; decision: ThrottleDecision } {
  const decision = decide(window, limit, now);
  if (!decision.allowed) return { window, decision };
  const next = isActive(window, now)
    ? { failures: window.failures + 1, resetAt: window.resetAt }
    : { failures: 1, resetAt: now + limit.windowSeconds * 1000 };
  return { window: next, decision };
}

/** Gives back one counted attempt (it succeeded); undefined when nothing is left to keep. */
export function release(window: FailureWindow | undefined, now: number): FailureWindow | undefined {
  if (!isActive(window, now) || window.failures <= 1) return undefined;
  return { failures: window.failures - 1, resetAt: window.resetAt };
}

/** Seconds the store should keep a counter: until its window ends. */
export function ttlSeconds(window: FailureWindow, now: number): number {
  return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
}
