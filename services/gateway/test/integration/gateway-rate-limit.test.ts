// The gateway as it runs for real: two replicas (each its own process and daprd sidecar) in front of the
// catalog (its process, its sidecar, PostgreSQL), rate-limit counters in the Redis state store. Clients
// call the gateway's app port directly (no app token: it is the public entry), the test standing as one
// trusted proxy in front of it (DIRECT_PROXY_HOPS=1), so its X-Forwarded-For entry is the client.
import { randomBytes } from 'node:crypto';
import { Stack, createTempDatabase, type TempDatabase } from '@shop/testkit';

type Json = Record<string, any>;

const READ_LIMIT = 5;
// Large enough for leases: a replica takes an eighth of what is left ahead (12 of 100) in one write.
const AUTH_LIMIT = 100;
// One hour windows: six requests in a row never straddle a window boundary, so the test cannot flake.
const WINDOW_SECONDS = 3600;
const env = {
  RATE_LIMIT_READ: String(READ_LIMIT),
  RATE_LIMIT_AUTH: String(AUTH_LIMIT),
  RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  DIRECT_PROXY_HOPS: '1',
};

/** A client address unique to this run: the Redis is shared with every other run and test. */
const newClient = () => `it-${randomBytes(6).toString('hex')}`;

describe('gateway rate limits through real sidecars and Redis', () => {
  let db: TempDatabase;
  let stack: Stack;
  const call = (replica: 'gateway' | 'gateway-b', path: string, client: string, init: RequestInit = {}) =>
    fetch(`${stack.get(replica).appUrl}${path}`, {
      ...init,
      headers: { 'x-forwarded-for': client, ...(init.headers as Record<string, string>) },
    });

  beforeAll(async () => {
    db = await createTempDatabase('gateway_it');
    stack = await Stack.start({
      apps: [{ appId: 'gateway', env }, { appId: 'gateway', name: 'gateway-b', env }, { appId: 'catalog' }],
      secrets: { 'catalog-db-url': db.url },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('when products are listed on the gateway port without any app token, then catalog answers through the sidecars', async () => {
    const res = await call('gateway', '/api/v1/products?limit=2', newClient());
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe(String(READ_LIMIT));
    expect(res.headers.get('ratelimit-remaining')).toBe(String(READ_LIMIT - 1));
    const body = (await res.json()) as Json;
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({ id: expect.any(String), price: { amount: expect.any(Number), currency: 'USD' } });
  });

  it('when the 6th read of a client arrives within the window, then 429 with Retry-After and RateLimit headers', async () => {
    const client = newClient();
    const statuses = [];
    for (let i = 0; i < READ_LIMIT; i++) statuses.push((await call('gateway', '/api/v1/categories', client)).status);
    const refused = await call('gateway', '/api/v1/categories', client);
    expect(statuses).toEqual(Array(READ_LIMIT).fill(200));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused.headers.get('ratelimit-limit')).toBe(String(READ_LIMIT));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(refused.headers.get('retry-after'));
    expect(await refused.json()).toMatchObject({ status: 429, type: 'https://shop.example/problems/rate-limited' });

    expect((await call('gateway', '/api/v1/categories', newClient())).status).toBe(200);
  });

  it('when a client spreads its reads over two replicas, then they share one counter, kept in the Redis state store', async () => {
    const client = newClient();
    for (let i = 0; i < 3; i++) expect((await call('gateway', '/api/v1/categories', client)).status).toBe(200);
    const onB = [];
    for (let i = 0; i < 3; i++) onB.push((await call('gateway-b', '/api/v1/categories', client)).status);
    expect(onB).toEqual([200, 200, 429]);

    // Read the counter back through the sidecar's state API (the key carries the window start).
    const windowMs = WINDOW_SECONDS * 1000;
    const starts = [Math.floor(Date.now() / windowMs) * windowMs, Math.floor(Date.now() / windowMs) * windowMs - windowMs];
    const stored = [];
    for (const start of starts) {
      const res = await fetch(`${stack.get('gateway').daprUrl}/v1.0/state/statestore/ratelimit:read:client:${client}:${start}`, {
        headers: stack.daprHeaders('gateway'),
      });
      if (res.status === 200) stored.push(await res.json());
    }
    expect(stored).toEqual([{ count: READ_LIMIT }]);
  });

  it('when many reads of one client hit both replicas at once, then exactly the limit is served', async () => {
    const client = newClient();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call(i % 2 ? 'gateway' : 'gateway-b', '/api/v1/categories', client).then((r) => r.status)),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(READ_LIMIT);
    expect(results.filter((s) => s === 429)).toHaveLength(12 - READ_LIMIT);
  });

  /** The counter of a key in Redis, read through the sidecar's state API (this window's or the last one's). */
  const storedCount = async (keyPrefix: string): Promise<number | undefined> => {
    const windowMs = WINDOW_SECONDS * 1000;
    const start = Math.floor(Date.now() / windowMs) * windowMs;
    for (const s of [start, start - windowMs]) {
      const res = await fetch(`${stack.get('gateway').daprUrl}/v1.0/state/statestore/${keyPrefix}:${s}`, {
        headers: stack.daprHeaders('gateway'),
      });
      if (res.status === 200) return ((await res.json()) as { count: number }).count;
    }
    return undefined;
  };
  // Sign-in attempts with an empty body: counted (auth class) by the guard, then refused 400 before any upstream.
  const signIn = (replica: 'gateway' | 'gateway-b', client: string) =>
    call(replica, '/api/v1/auth/login', client, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
      (r) => ({ status: r.status, remaining: r.headers.get('ratelimit-remaining') }),
    );

  it('when a client signs in on one replica under a large limit, then it leases ahead from Redis and Remaining still counts down by one', async () => {
    const client = newClient();
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await signIn('gateway', client)).remaining);
    expect(remaining).toEqual([AUTH_LIMIT - 1, AUTH_LIMIT - 2, AUTH_LIMIT - 3].map(String));
    expect(await storedCount(`ratelimit:auth:client:${client}`)).toBe(Math.floor(AUTH_LIMIT / 8));
  });

  it('when a burst of one client hits both replicas under a large limit, then never more than the limit, and exactly it once drained', async () => {
    const client = newClient();
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(i % 2 ? 'gateway' : 'gateway-b', client)));
    expect(burst.every((r) => r.status === 400 || r.status === 429)).toBe(true);
    let passed = burst.filter((r) => r.status !== 429).length;
    expect(passed).toBeLessThanOrEqual(AUTH_LIMIT);
    // Units leased ahead are not lost while the window lasts: each replica still serves what it holds.
    for (const replica of ['gateway', 'gateway-b'] as const) {
      for (let n = 0; n <= AUTH_LIMIT && (await signIn(replica, client)).status !== 429; n++) passed++;
    }
    expect(passed).toBe(AUTH_LIMIT);
    expect(await storedCount(`ratelimit:auth:client:${client}`)).toBe(AUTH_LIMIT);
  });

  it('when catalog answers 404 through the sidecars, then the client gets that 404 problem', async () => {
    const res = await call('gateway', '/api/v1/products/00000000-0000-4000-8000-000000000000', newClient());
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('when the gateway is invoked through its own sidecar (as the ingress does), then it answers too', async () => {
    const res = await fetch(stack.invokeUrl('gateway', 'gateway', 'api/v1/categories'), {
      headers: { 'x-forwarded-for': newClient(), ...stack.daprHeaders('gateway') },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).items.length).toBeGreaterThan(0);
  });

  it('when a route needs a user and the users service is not running, then 503; without a token 401', async () => {
    const fake = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1In0.c2ln';
    const withToken = await call('gateway', '/api/v1/me', newClient(), { headers: { authorization: `Bearer ${fake}` } });
    expect(withToken.status).toBe(503);
    expect((await call('gateway', '/api/v1/me', newClient())).status).toBe(401);
  });
});
