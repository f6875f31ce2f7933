import { OverloadedError } from '../../src/domain/errors';
import { admission, budgetMs, defaultConcurrency, HashQueue, smoothed, type HashQueueOptions } from '../../src/domain/hash-queue';

/** Hashes that finish when the test says, each as if it took so long since it started (the clock moves). */
function controlledHash(clock: { now: number }) {
  const started: number[] = [];
  const pending: Array<(ms: number) => void> = [];
  let count = 0;
  const hash = () => {
    const id = count++;
    const since = clock.now;
    started.push(id);
    return new Promise<number>((resolve) =>
      pending.push((ms) => {
        clock.now = Math.max(clock.now, since + ms);
        resolve(id);
      }),
    );
  };
  /** Finishes the oldest running hash, `ms` after it started. */
  const finish = async (ms: number) => {
    pending.shift()!(ms);
    await flush();
  };
  return { hash, finish, started };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const OPTIONS: HashQueueOptions = { concurrency: 2, maxWaitMs: 4_500, marginMs: 500, initialEstimateMs: 400 };

function setUp(options: Partial<HashQueueOptions> = {}) {
  const clock = { now: T0 };
  const queue = new HashQueue({ ...OPTIONS, ...options }, () => clock.now);
  return { clock, queue, ...controlledHash(clock) };
}

describe('admission', () => {
  it('when a slot is free, then the hash is admitted, even with no time left (a clock ahead of ours)', () => {
    expect(admission(1, 2, 400, -10_000)).toEqual({ admitted: true });
  });

  it('when the hashes ahead would take longer than the budget, then refused, told to come back when they are done', () => {
    // 10 ahead on 2 slots: 5 rounds before its own, 6 × 400 ms = 2.4 s.
    expect(admission(10, 2, 400, 2_400)).toEqual({ admitted: true });
    expect(admission(10, 2, 400, 2_399)).toEqual({ admitted: false, retryAfterSeconds: 2 });
    expect(admission(22, 2, 400, 4_500)).toEqual({ admitted: false, retryAfterSeconds: 5 });
  });

  it('when the queue drains in under a second, then Retry-After is still 1 (whole seconds, at least one)', () => {
    expect(admission(2, 2, 10, 0)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });
});

describe('budgetMs', () => {
  it('when the caller sends its deadline, then the budget is what is left of it less the margin, at most the maximum', () => {
    expect(budgetMs(T0, T0 + 5_000, { maxWaitMs: 4_500, marginMs: 500 })).toBe(4_500);
    expect(budgetMs(T0, T0 + 2_000, { maxWaitMs: 4_500, marginMs: 500 })).toBe(1_500);
    expect(budgetMs(T0, T0 + 60_000, { maxWaitMs: 4_500, marginMs: 500 })).toBe(4_500);
    expect(budgetMs(T0, T0 - 1_000, { maxWaitMs: 4_500, marginMs: 500 })).toBe(-1_500);
  });

  it('when the caller sends no deadline, then the budget is the maximum', () => {
    expect(budgetMs(T0, undefined, { maxWaitMs: 4_500, marginMs: 500 })).toBe(4_500);
    expect(budgetMs(T0, Number.NaN, { maxWaitMs: 4_500, marginMs: 500 })).toBe(4_500);
  });
});

describe('smoothed and defaultConcurrency', () => {
  it('when hash times are measured, then the first sets the average and later ones move it by 30 %', () => {
    expect(smoothed(undefined, 800)).toBe(800);
    expect(smoothed(800, 100)).toBeCloseTo(590);
  });

  it("when the default concurrency is chosen, then one per CPU, but one thread of libuv's pool stays free", () => {
    expect(defaultConcurrency(2, 4)).toBe(2);
    expect(defaultConcurrency(16, 4)).toBe(3);
    expect(defaultConcurrency(16, 17)).toBe(16);
    expect(defaultConcurrency(8, 1)).toBe(1);
  });
});

describe('HashQueue', () => {
  it('when more hashes arrive than slots, then at most `concurrency` run and the rest start in arrival order', async () => {
    const { queue, hash, finish, started } = setUp();
    const results = [0, 1, 2, 3].map(() => queue.run(hash));
    await flush();
    expect(started).toEqual([0, 1]);
    expect(queue.length).toBe(4);
    await finish(300);
    expect(started).toEqual([0, 1, 2]);
    await finish(300);
    await finish(300);
    await finish(300);
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3]);
    expect(queue.length).toBe(0);
  });

  it('when a burst would outlast the budget, then the excess is refused at once, without running, and the rest succeed', async () => {
    const { queue, hash, finish, started } = setUp();
    // 400 ms a hash, 2 slots, 4.5 s: the 11th arrival (10 ahead) finishes at 2.4 s, ..., the 22nd (21 ahead) at 4.4 s.
    const outcomes = Array.from({ length: 30 }, () => queue.run(hash).catch((e: unknown) => e));
    await flush();
    const refused = outcomes.slice(22);
    for (const r of refused) await expect(r).resolves.toBeInstanceOf(OverloadedError);
    await expect(refused[0]).resolves.toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(queue.length).toBe(22);
    for (let i = 0; i < 22; i++) await finish(400);
    expect(started).toHaveLength(22);
    await expect(Promise.all(outcomes.slice(0, 22))).resolves.toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it("when the caller's deadline is nearer than the maximum, then it decides", async () => {
    const { clock, queue, hash, finish } = setUp();
    const deadline = clock.now + 1_300; // 800 ms after the margin: room for one round behind the two running
    const admitted = [0, 1, 2, 3].map(() => queue.run(hash, deadline));
    await expect(queue.run(hash, deadline)).rejects.toBeInstanceOf(OverloadedError);
    expect(queue.length).toBe(4);
    // Without a deadline of its own a request has the maximum (4.5 s): it is admitted.
    const unbounded = queue.run(hash);
    expect(queue.length).toBe(5);
    for (let i = 0; i < 5; i++) await finish(1);
    await expect(Promise.all([...admitted, unbounded])).resolves.toHaveLength(5);
  });

  it('when hashes are timed, then the estimate follows them and admits more when they get faster', async () => {
    const { queue, hash, finish } = setUp({ concurrency: 1, maxWaitMs: 1_000, initialEstimateMs: 600 });
    const first = queue.run(hash);
    await expect(queue.run(hash)).rejects.toBeInstanceOf(OverloadedError); // 2 × 600 ms > 1 s
    await finish(100);
    await first;
    expect(queue.estimateMs).toBe(100);
    const runs = [queue.run(hash), queue.run(hash)]; // 2 × 100 ms fits now
    await flush();
    await finish(100);
    await finish(100);
    await expect(Promise.all(runs)).resolves.toHaveLength(2);
  });

  it('when a hash fails, then its slot goes to the next one and the failure is not timed', async () => {
    const { clock, queue } = setUp({ concurrency: 1 });
    let fail: (e: Error) => void = () => {};
    const failing = queue.run(() => new Promise((_, reject) => (fail = reject)));
    const next = queue.run(async () => 'next');
    await flush();
    clock.now += 5;
    fail(new Error('scrypt failed'));
    await expect(failing).rejects.toThrow('scrypt failed');
    await expect(next).resolves.toBe('next');
    expect(queue.length).toBe(0);
  });

  it('when a turn comes later than estimated, too late for its caller, then it is refused then instead of hashed', async () => {
    const { queue, hash, finish, started } = setUp({ concurrency: 1, maxWaitMs: 1_000, initialEstimateMs: 400 });
    const first = queue.run(hash);
    const late = queue.run(hash).catch((e: unknown) => e); // admitted: 2 × 400 ms ≤ 1 s
    await flush();
    await finish(900); // the first took 900 ms (now the estimate too): the second cannot be done in the 100 ms left
    await first;
    await expect(late).resolves.toBeInstanceOf(OverloadedError);
    expect(started).toEqual([0]);
    expect(queue.length).toBe(0);
  });
});
