import { startGateway, type Harness } from '../fixtures/harness';

describe('CORS and security headers', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ CORS_ORIGINS: 'https://shop.example, http://localhost:5173' });
    gw.upstream.on('catalog', 'GET', '/categories', () => ({ items: [] })).on('users', 'GET', '/me', () => ({ id: 'u' }));
  });
  afterAll(() => gw.close());

  it('when an allowed origin calls, then it is echoed and the rate-limit headers are exposed to it', async () => {
    const res = await gw.request('/api/v1/categories', { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/RateLimit-Remaining/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('when a disallowed origin calls, then no CORS header is set', async () => {
    const res = await gw.request('/api/v1/categories', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('when an allowed origin sends a preflight, then 204 with the allowed methods and headers', async () => {
    const res = await gw.request('/api/v1/me', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('when a disallowed origin sends a preflight, then it gets no CORS headers (the browser refuses)', async () => {
    const res = await gw.request('/api/v1/me', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it.each([
    ['a served answer', '/api/v1/categories'],
    ['a 404', '/api/v1/nowhere'],
    ['a 401', '/api/v1/me'],
  ])('when %s is sent, then the security headers are on it', async (_what, path) => {
    const res = await gw.request(path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('when an authenticated answer is sent, then it must not be cached; a public one carries no such header', async () => {
    const authed = await gw.request('/api/v1/me', { bearer: await gw.token() });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('cache-control')).toBe('no-store');
    expect((await gw.request('/api/v1/me')).headers.get('cache-control')).toBe('no-store');
    expect((await gw.request('/api/v1/categories')).headers.get('cache-control')).toBeNull();
  });

  it('when a request id is sent, then it is echoed', async () => {
    const res = await gw.request('/api/v1/categories', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });
});
