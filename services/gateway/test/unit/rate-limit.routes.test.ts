import { json, newClient, startGateway, type Harness } from '../fixtures/harness';

describe('rate limits at the edge', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_READ: '3', RATE_LIMIT_AUTH: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    gw.upstream
      .on('catalog', 'GET', '/categories', () => ({ items: [] }))
      .on('users', 'GET', '/me', () => ({ id: 'u' }))
      .on('users', 'POST', '/sessions', () => ({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 900 }));
  });
  afterAll(() => gw.close());

  it('when a client reads, then every answer carries RateLimit-Limit, -Remaining and -Reset', async () => {
    const client = newClient();
    const res = await gw.request('/api/v1/categories', { client });
    expect(res.headers.get('ratelimit-limit')).toBe('3');
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(3600);
  });

  it('when a client exceeds the read limit, then 429 problem+json with Retry-After, and catalog is not called', async () => {
    const client = newClient();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await gw.request('/api/v1/categories', { client })).status);
    const calls = gw.upstream.callsTo('catalog').length;
    const res = await gw.request('/api/v1/categories', { client });
    expect(statuses).toEqual([200, 200, 200]);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('retry-after')).toBe(res.headers.get('ratelimit-reset'));
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(await res.json()).toMatchObject({ status: 429, type: 'https://shop.example/problems/rate-limited' });
    expect(gw.upstream.callsTo('catalog')).toHaveLength(calls);
  });

  it('when one client is limited, then another client is not', async () => {
    const limited = newClient();
    for (let i = 0; i < 4; i++) await gw.request('/api/v1/categories', { client: limited });
    expect((await gw.request('/api/v1/categories', { client: newClient() })).status).toBe(200);
  });

  it('when sign-in attempts exceed the auth limit, then 429 (the auth class is separate from reads)', async () => {
    const client = newClient();
    const attempt = () => gw.request('/api/v1/auth/login', { ...json({ email: 'a@example.com', password: 'x' }), client });
    const statuses = [(await attempt()).status, (await attempt()).status, (await attempt()).status];
    expect(statuses).toEqual([200, 200, 429]);
    expect((await gw.request('/api/v1/categories', { client })).status).toBe(200);
  });

  it('when a signed-in user switches addresses, then the per-user counter still limits them', async () => {
    const token = await gw.token({ sub: `roamer-${newClient()}` });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gw.request('/api/v1/me', { bearer: token, client: newClient() })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("when X-Forwarded-For lists several hops behind one trusted proxy, then only the last (the proxy's) counts", async () => {
    const proxySaw = newClient();
    for (let i = 0; i < 3; i++) await gw.request('/api/v1/categories', { client: `${newClient()}, ${proxySaw}` });
    expect((await gw.request('/api/v1/categories', { client: `${newClient()}, ${proxySaw}` })).status).toBe(429);
  });
});

describe('when the counter store fails', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_READ: '1' });
    gw.upstream.on('catalog', 'GET', '/categories', () => ({ items: [] }));
    gw.counters.failing = true;
  });
  afterAll(() => gw.close());

  it('when requests arrive, then they are served (fail open), without RateLimit headers, and a warning is logged', async () => {
    const client = newClient();
    const res = [await gw.request('/api/v1/categories', { client }), await gw.request('/api/v1/categories', { client })];
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    expect(res[0]?.headers.get('ratelimit-limit')).toBeNull();
    expect(gw.logs().some((l) => l['log.level'] === 'warn' && /rate limit not applied/.test(l.message))).toBe(true);
  });
});

describe('when the counter store is slow', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_READ: '1', RATE_LIMIT_STORE_TIMEOUT_MS: '50' });
    gw.upstream.on('catalog', 'GET', '/categories', () => ({ items: [] }));
    gw.counters.latencyMs = 2_000;
  });
  afterAll(() => gw.close());

  it('when a request waits on it, then it is served after the store timeout, not after the store', async () => {
    const started = Date.now();
    const res = await gw.request('/api/v1/categories');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('with no trusted proxy in front of the port (DIRECT_PROXY_HOPS=0)', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ DIRECT_PROXY_HOPS: '0', RATE_LIMIT_READ: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    gw.upstream.on('catalog', 'GET', '/categories', () => ({ items: [] }));
  });
  afterAll(() => gw.close());

  it('when a client rotates X-Forwarded-For, then it is still counted by its socket address', async () => {
    const statuses = [];
    for (let k = 0; k < 3; k++) statuses.push((await gw.request('/api/v1/categories', { client: newClient() })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
