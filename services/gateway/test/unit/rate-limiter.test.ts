import { DependencyError, EtagMismatchError } from '@shop/kit';
import { blockOf, RateLimiter, type RateLimiterOptions } from '../../src/domain/rate-limiter';
import type { RateClass, Verdict } from '../../src/domain/rate-limit';
import type { CounterStore } from '../../src/ports';
import { MemoryCounterStore } from '../fixtures/memory-counter-store';

const limits = { auth: 3, read: 100, write: 5 };

describe('RateLimiter', () => {
  let now: number;
  let store: MemoryCounterStore;
  let limiter: RateLimiter;
  const replica = (options: Partial<RateLimiterOptions> = {}, on: CounterStore = store) =>
    new RateLimiter(on, { limits, windowSeconds: 60, now: () => now, ...options });
  const allowed = (verdicts: Verdict[]) => verdicts.filter((v) => v.allowed).length;
  const burst = (n: number, hit: (i: number) => Promise<Verdict>) => Promise.all(Array.from({ length: n }, (_, i) => hit(i)));
  /** Sequential hits until one is refused: what a replica still serves. */
  const drain = async (on: RateLimiter, rateClass: RateClass, subject: string) => {
    let served = 0;
    while ((await on.hit(rateClass, subject)).allowed) served++;
    return served;
  };

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1, 12, 0, 10);
    store = new MemoryCounterStore();
    limiter = replica();
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

  describe('leases', () => {
    it.each([
      [5, 1],
      [15, 1],
      [16, 2],
      [100, 12],
      [10_000, 64],
    ])('when %i is left of the limit, then a lease takes %i ahead (an eighth, at least 1, at most 64)', (left, block) => {
      expect(blockOf(left, 64)).toBe(block);
    });

    it('when a limit is small, then every request is one read and one write of the shared counter', async () => {
      const counts = [];
      for (let i = 0; i < 5; i++) {
        expect((await limiter.hit('write', 'client:a')).allowed).toBe(true);
        counts.push(store.countOf('client:a'));
      }
      expect(counts).toEqual([1, 2, 3, 4, 5]);
      expect({ reads: store.reads, writes: store.writes }).toEqual({ reads: 5, writes: 5 });
    });

    it('when a replica has seen the limit reached, then later hits are refused without any store call', async () => {
      for (let i = 0; i < 5; i++) await limiter.hit('write', 'client:a');
      const reads = store.reads;
      const refused = await burst(3, () => limiter.hit('write', 'client:a'));
      expect(allowed(refused)).toBe(0);
      expect(refused[0]).toMatchObject({ remaining: 0, resetSeconds: 50 });
      expect(store.reads).toBe(reads);
    });

    it('when a limit is large, then N requests cost N / block store writes and remaining still counts down by one', async () => {
      const large = replica({ limits: { ...limits, read: 10_000 } });
      const remaining = [];
      for (let i = 0; i < 640; i++) remaining.push((await large.hit('read', 'client:a')).remaining);
      expect(remaining).toEqual(Array.from({ length: 640 }, (_, i) => 10_000 - 1 - i));
      expect({ reads: store.reads, writes: store.writes }).toEqual({ reads: 10, writes: 10 });
      expect(store.countOf('client:a')).toBe(640);
    });

    it('when maxBlock is 1, then every request is a store write whatever the limit', async () => {
      const exact = replica({ maxBlock: 1 });
      for (let i = 0; i < 20; i++) await exact.hit('read', 'client:a');
      expect(store.writes).toBe(20);
    });

    it('when concurrent hits of one key arrive on one replica, then they share one lease call', async () => {
      store.latencyMs = 3;
      const results = await burst(20, () => limiter.hit('read', 'client:busy'));
      expect(allowed(results)).toBe(20);
      expect({ reads: store.reads, writes: store.writes, conflicts: store.conflicts }).toEqual({ reads: 1, writes: 1, conflicts: 0 });
      expect(store.countOf('client:busy')).toBe(20);
    });
  });

  describe('never more than the limit', () => {
    beforeEach(() => {
      store.latencyMs = 3;
    });

    it.each([
      ['write', 12, 5],
      ['read', 150, 100],
    ] as const)(
      'when %s hits on one replica exceed the limit at once (%i), then exactly the limit (%i) is allowed',
      async (rateClass, n, limit) => {
        expect(allowed(await burst(n, () => limiter.hit(rateClass, 'client:burst')))).toBe(limit);
        expect(store.countOf('client:burst')).toBe(limit);
      },
    );

    it.each([
      ['read', 100],
      ['auth', 3],
      ['large', 1_000],
    ])(
      'when two replicas share the %s counter under concurrent waves, then never more than the limit, and exactly it once drained',
      async (name, limit) => {
        const options = { limits: { auth: limit, read: limit, write: limit } };
        const replicas = [replica(options), replica(options)];
        let served = 0;
        for (const size of [7, 23, 1, 30, 12, 40, 150]) {
          served += allowed(await burst(size, (i) => replicas[(i * 7 + size) % 2]!.hit('read', `client:${name}`)));
          expect(served).toBeLessThanOrEqual(limit);
          expect(store.countOf(`client:${name}`)).toBeLessThanOrEqual(limit);
        }
        // Units leased ahead are not lost while the window lasts: each replica serves what it holds.
        for (const r of replicas) served += await drain(r, 'read', `client:${name}`);
        expect(served).toBe(limit);
        expect(store.countOf(`client:${name}`)).toBe(limit);
      },
    );

    it('when a key is dropped from memory (maxKeys), then its next request leases again, still within the limit', async () => {
      const small = replica({ maxKeys: 2 });
      for (let i = 0; i < 2; i++) await small.hit('write', 'client:a');
      for (const other of ['b', 'c', 'd']) await small.hit('write', `client:${other}`);
      expect(await drain(small, 'write', 'client:a')).toBe(3);
    });
  });

  describe('memory', () => {
    it('when a window ends, then the keys held for it are forgotten', async () => {
      for (const subject of ['a', 'b', 'c']) await limiter.hit('read', `client:${subject}`);
      expect(limiter.keysHeld).toBe(3);
      now += 60_000;
      await limiter.hit('read', 'client:a');
      expect(limiter.keysHeld).toBe(1);
    });

    it('when more keys arrive than maxKeys, then the ones leased longest ago are dropped', async () => {
      const small = replica({ maxKeys: 2 });
      for (const subject of ['a', 'b', 'c', 'd', 'e']) await small.hit('read', `client:${subject}`);
      expect(small.keysHeld).toBe(2);
    });
  });

  describe('failures', () => {
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

    it('when the store is down, then the failure propagates to every waiting hit for the caller to decide', async () => {
      store.failing = true;
      const hits = Array.from({ length: 3 }, () => limiter.hit('read', 'client:a'));
      for (const hit of hits) await expect(hit).rejects.toBeInstanceOf(DependencyError);
    });

    it('when a lease write fails, then it leaves no allowance: the next hit leases again', async () => {
      store.failingWrites = true;
      await expect(limiter.hit('read', 'client:a')).rejects.toBeInstanceOf(DependencyError);
      store.failingWrites = false;
      const reads = store.reads;
      await expect(limiter.hit('read', 'client:a')).resolves.toMatchObject({ allowed: true, remaining: 99 });
      expect(store.reads).toBe(reads + 1);
      expect(store.countOf('client:a')).toBe(12);
    });

    it('when a lease call hangs, then its hits fail at the lease deadline and the next hit leases afresh', async () => {
      let hang = true;
      const hanging: CounterStore = {
        get: (key) => (hang ? new Promise(() => undefined) : store.get(key)),
        create: (key, value, ttl) => store.create(key, value, ttl),
        update: (key, value, etag, ttl) => store.update(key, value, etag, ttl),
      };
      const impatient = replica({ leaseTimeoutMs: 20 }, hanging);
      await expect(impatient.hit('read', 'client:a')).rejects.toThrow(/no lease within 20 ms/);
      hang = false;
      await expect(impatient.hit('read', 'client:a')).resolves.toMatchObject({ allowed: true });
    }, 5_000);
  });
});
