import { counterKey, rateLimitHeaders, strictest, verdict, windowAt } from '../../src/domain/rate-limit';

describe('fixed rate-limit windows', () => {
  it('when a time falls inside a minute window, then the window starts on the minute and resets at its end', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 42, 250);
    expect(windowAt(t, 60)).toEqual({ start: Date.UTC(2030, 0, 1, 12, 0, 0), resetSeconds: 18 });
  });

  it('when a time is the first instant of a window, then the whole window remains', () => {
    const t = Date.UTC(2030, 0, 1, 12, 1, 0);
    expect(windowAt(t, 60)).toEqual({ start: t, resetSeconds: 60 });
  });

  it('when less than a second remains, then reset is still at least 1 second', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 59, 999);
    expect(windowAt(t, 60).resetSeconds).toBe(1);
  });

  it('when two times straddle a boundary, then they land in different windows with different keys', () => {
    const a = windowAt(Date.UTC(2030, 0, 1, 12, 0, 59, 999), 60);
    const b = windowAt(Date.UTC(2030, 0, 1, 12, 1, 0, 0), 60);
    expect(b.start - a.start).toBe(60_000);
    expect(counterKey('read', 'client:1.2.3.4', a)).not.toBe(counterKey('read', 'client:1.2.3.4', b));
  });

  it('when the key is built, then it names the class, the subject and the window start', () => {
    const w = windowAt(120_000, 60);
    expect(counterKey('auth', 'client:10.0.0.1', w)).toBe('ratelimit:auth:client:10.0.0.1:120000');
  });

  it.each([
    [1, true, 4],
    [5, true, 0],
    [6, false, 0],
  ])('when %i requests were counted against a limit of 5, then allowed is %s with %i remaining', (count, allowed, remaining) => {
    expect(verdict(count, 5, { start: 0, resetSeconds: 30 })).toEqual({ allowed, limit: 5, remaining, resetSeconds: 30 });
  });

  it('when a client and a user verdict differ, then the refused one, else the one with fewer remaining, wins', () => {
    const w = { start: 0, resetSeconds: 10 };
    expect(strictest([verdict(2, 10, w), verdict(8, 10, w)])?.remaining).toBe(2);
    expect(strictest([verdict(2, 10, w), verdict(11, 10, w)])?.allowed).toBe(false);
    expect(strictest([])).toBeUndefined();
  });

  it('when a request is allowed, then the three RateLimit headers are set and Retry-After is not', () => {
    expect(rateLimitHeaders(verdict(3, 10, { start: 0, resetSeconds: 7 }))).toEqual({
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '7',
      'RateLimit-Reset': '7',
    });
  });

  it('when a request is refused, then Retry-After equals the seconds until reset', () => {
    expect(rateLimitHeaders(verdict(11, 10, { start: 0, resetSeconds: 42 }))).toMatchObject({
      'Retry-After': '42',
      'RateLimit-Remaining': '0',
    });
  });
});
