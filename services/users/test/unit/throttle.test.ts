import { admit, decide, release, strictest, ttlSeconds, type FailureWindow, type ThrottleLimit } from '../../src/domain/throttle';

const LIMIT: ThrottleLimit = { maxFailures: 5, windowSeconds: 900 };
const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const window = (failures: number, secondsLeft: number): FailureWindow => ({ failures, resetAt: NOW + secondsLeft * 1000 });

describe('decide', () => {
  it('when there is no counter, then the attempt is allowed', () => {
    expect(decide(undefined, LIMIT, NOW)).toEqual({ allowed: true });
  });

  it('when the counter is one below the limit, then the attempt is allowed', () => {
    expect(decide(window(4, 600), LIMIT, NOW)).toEqual({ allowed: true });
  });

  it('when the counter has reached the limit, then the attempt is refused until the window ends', () => {
    expect(decide(window(5, 600), LIMIT, NOW)).toEqual({ allowed: false, retryAfterSeconds: 600 });
  });

  it('when the window ends in a fraction of a second, then Retry-After rounds up to a whole second', () => {
    expect(decide({ failures: 9, resetAt: NOW + 1_500 }, LIMIT, NOW)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(decide({ failures: 9, resetAt: NOW + 1 }, LIMIT, NOW)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('when the window has ended, then its counter no longer counts', () => {
    expect(decide(window(50, 0), LIMIT, NOW)).toEqual({ allowed: true });
    expect(decide(window(50, -1), LIMIT, NOW)).toEqual({ allowed: true });
  });
});

describe('strictest', () => {
  it('when one of several decisions refuses, then the result refuses for the longest wait', () => {
    expect(strictest([{ allowed: true }, { allowed: false, retryAfterSeconds: 30 }, { allowed: false, retryAfterSeconds: 90 }])).toEqual({
      allowed: false,
      retryAfterSeconds: 90,
    });
  });

  it('when every decision allows, then the result allows', () => {
    expect(strictest([{ allowed: true }, { allowed: true }])).toEqual({ allowed: true });
  });
});

describe('admit', () => {
  it('when there is no counter, then a window opens at this attempt with one failure', () => {
    expect(admit(undefined, LIMIT, NOW)).toEqual({ window: { failures: 1, resetAt: NOW + 900_000 }, decision: { allowed: true } });
  });

  it('when a window is open and below the limit, then the attempt is counted in it without extending it', () => {
    expect(admit(window(3, 100), LIMIT, NOW)).toEqual({ window: window(4, 100), decision: { allowed: true } });
  });

  it('when the limit is reached, then the attempt is refused and the counter is left as it is', () => {
    const full = window(5, 100);
    const result = admit(full, LIMIT, NOW);
    expect(result.decision).toEqual({ allowed: false, retryAfterSeconds: 100 });
    expect(result.window).toBe(full);
  });

  it('when an expired window is still stored, then a new one starts', () => {
    expect(admit(window(5, -10), LIMIT, NOW).window).toEqual({ failures: 1, resetAt: NOW + 900_000 });
  });

  it('when five attempts are admitted in a row, then the sixth is refused', () => {
    let w: FailureWindow | undefined;
    const decisions = Array.from({ length: 6 }, (_, i) => {
      const r = admit(w, LIMIT, NOW + i * 1000);
      w = r.window;
      return r.decision.allowed;
    });
    expect(decisions).toEqual([true, true, true, true, true, false]);
  });
});

describe('release and ttlSeconds', () => {
  it('when an attempt is given back, then the counter goes down by one', () => {
    expect(release(window(3, 100), NOW)).toEqual(window(2, 100));
  });

  it('when the last attempt is given back or the window is over, then there is nothing to keep', () => {
    expect(release(window(1, 100), NOW)).toBeUndefined();
    expect(release(window(4, -1), NOW)).toBeUndefined();
    expect(release(undefined, NOW)).toBeUndefined();
  });

  it('when a counter is stored, then it expires when its window ends (at least one second)', () => {
    expect(ttlSeconds(window(1, 899.2), NOW)).toBe(900);
    expect(ttlSeconds(window(1, -5), NOW)).toBe(1);
  });
});
