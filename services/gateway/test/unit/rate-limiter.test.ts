import { DependencyError, EtagMismatchError } from '@shop/kit';
import { RateLimiter } from '../../src/domain/rate-limiter';
import { MemoryCounterStore } from '../fixtures/memory-counter-store';

const limits = { auth: 3, read: 100, write: 5 };

describe('RateLimiter', () => {
  let now: number;
  let store: MemoryCounterStore;
  let limiter: RateLimiter;
  beforeEach(() => {
    now = Date.UTC(2030, 0, 1, 12, 0, 10);
    store = new MemoryCounterStore();
    limiter = new RateLimiter(store, { limits, windowSeconds: 60, now: () => now });
  });

  it('when a subject stays under its limit, then every hit is allowed and remaining counts down', async () => {
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await limiter.hit('auth', 'client:a')).remaining);
    expect(remaining).toEqual([2, 1, 0]);
    expect(store.countOf('client:a')).toBe(3);
  });

  it('when the limit is reached, then the next hit is refused without writing to the store', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit('auth', 'client:a');
    const writes = store.writes;
    const refused = await limiter.hit('auth', 'client:a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 50 });
    expect(store.writes).toBe(writes);
  });

  it('when a new window begins, then the subject is allowed again', async () => {
    for (let i = 0; i < 4; i++) await limiter.hit('auth', 'client:a');
    now += 60_000;
    expect((await limiter.hit('auth', 'client:a')).allowed).toBe(true);
  });

  it('when subjects or classes differ, then their counters are separate', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit('auth', 'client:a');
    expect((await limiter.hit('auth', 'client:b')).allowed).toBe(true);
    expect((await limiter.hit('write', 'client:a')).allowed).toBe(true);
  });

  it('when a counter is written, then its TTL is the window length', async () => {
    await limiter.hit('read', 'client:a');
    expect([...store.items.values()][0]?.ttlSeconds).toBe(60);
  });

  it('when many replicas count the same subject at once, then no increment is lost', async () => {
    store.latencyMs = 3;
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit('read', 'client:busy')));
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(store.countOf('client:busy')).toBe(20);
    expect(store.conflicts).toBeGreaterThan(0);
  });

  it('when concurrent hits exceed the limit, then exactly the limit is allowed', async () => {
    store.latencyMs = 3;
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('write', 'client:burst')));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('when a hit keeps losing the race, then after the bounded attempts it is refused for a second', async () => {
    const contended = new RateLimiter(
      {
        get: async () => ({ value: { count: 1 }, etag: '1' }),
        create: async () => undefined,
        update: async () => Promise.reject(new EtagMismatchError('s', 'k')),
      },
      { limits, windowSeconds: 60, maxAttempts: 3 },
    );
    await expect(contended.hit('read', 'client:a')).resolves.toEqual({ allowed: false, limit: 100, remaining: 0, resetSeconds: 1 });
  });

  it('when the store is down, then the failure propagates for the caller to decide', async () => {
    store.failing = true;
    await expect(limiter.hit('read', 'client:a')).rejects.toBeInstanceOf(DependencyError);
  });
});
