import { identityHeadersFor, verifyIdentity } from '@shop/kit';
import { routeTable } from '../../src/routes/table';
import { DEADLINE_HEADER } from '../../src/use-cases/call-upstream';
import { never, unreachable, upstreamProblem } from '../fixtures/fake-upstream';
import { json, startGateway, upstreamVerifier, type Harness } from '../fixtures/harness';

type Json = Record<string, any>;
const PRODUCT_ID = '0b7e7c1e-5d0a-4c4e-9f3a-2a1b3c4d5e6f';

describe('the gateway in front of its upstreams', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ BODY_LIMIT: '1kb', UPSTREAM_TIMEOUT_MS: '300' });
    gw.upstream
      .on('catalog', 'GET', '/products', (req) => ({ items: [{ id: PRODUCT_ID }], nextCursor: null, asked: req.path }))
      .on('catalog', 'GET', `/products/${PRODUCT_ID}`, () => ({ id: PRODUCT_ID, name: 'Lamp' }))
      .on('catalog', 'GET', '/products/00000000-0000-4000-8000-000000000000', () => {
        throw upstreamProblem(404, 'not-found', 'Not found', 'product 00000000-0000-4000-8000-000000000000 was not found');
      })
      .on('users', 'POST', '/users', (req) => {
        if ((req.body as Json).email === 'taken@example.com') throw upstreamProblem(409, 'email-taken', 'Conflict', 'this email is taken');
        return { id: 'u-1', email: (req.body as Json).email, name: 'Ann' };
      })
      .on('users', 'POST', '/sessions', () => ({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r' }))
      .on('users', 'POST', '/sessions/logout', () => '')
      .on('users', 'GET', '/me', () => ({ id: 'user-1', email: 'ann@example.com', name: 'Ann' }));
  });
  afterAll(() => gw.close());

  it('when products are searched, then the validated query (with its defaults) goes to catalog through the upstream', async () => {
    const res = await gw.request('/api/v1/products?q=lamp&minPrice=100&inStock=true');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.items).toHaveLength(1);
    expect(body.asked).toBe('/products?q=lamp&minPrice=100&inStock=true&limit=20');
  });

  it('when a product is fetched by id, then the id is put into the upstream path', async () => {
    const res = await gw.request(`/api/v1/products/${PRODUCT_ID}`);
    expect(await res.json()).toEqual({ id: PRODUCT_ID, name: 'Lamp' });
    expect(gw.upstream.calls.at(-1)).toMatchObject({ appId: 'catalog', method: 'GET', path: `/products/${PRODUCT_ID}` });
  });

  it.each([
    ['/api/v1/products?limit=0', 'query.limit'],
    ['/api/v1/products?sort=cheapest', 'query.sort'],
    ['/api/v1/products?colour=red', 'query.colour'],
    ['/api/v1/products/not-a-uuid', 'params.id'],
  ])('when %s is asked, then 400 problem+json names %s and catalog is not called', async (path, field) => {
    const before = gw.upstream.calls.length;
    const res = await gw.request(path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as Json).errors.map((e: Json) => e.field)).toContain(field);
    expect(gw.upstream.calls.length).toBe(before);
  });

  it('when a registration lacks a field, then 400 names it', async () => {
    const res = await gw.request('/api/v1/auth/register', json({ email: 'ann@example.com', password: 'long enough' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).errors).toEqual([{ field: 'body.name', message: 'is required' }]);
  });

  it('when a body is larger than the limit, then 413 problem+json', async () => {
    const res = await gw.request('/api/v1/auth/login', json({ email: 'ann@example.com', password: 'x'.repeat(5_000) }));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('when a body is not JSON, then 415', async () => {
    const res = await gw.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
  });

  it('when an account is registered, then 201 with the profile, and users got the body and the client id', async () => {
    const res = await gw.request('/api/v1/auth/register', {
      ...json({ email: 'ann@example.com', password: 'correct horse', name: 'Ann' }),
      client: '203.0.113.9',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'u-1', email: 'ann@example.com' });
    expect(gw.upstream.calls.at(-1)).toMatchObject({
      appId: 'users',
      method: 'POST',
      path: '/users',
      body: { email: 'ann@example.com', password: 'correct horse', name: 'Ann' },
      headers: { 'x-client-id': '203.0.113.9' },
    });
  });

  it('when signing in, then the public field names come back and users learns the client address', async () => {
    const res = await gw.request('/api/v1/auth/login', { ...json({ email: 'ann@example.com', password: 'pw' }), client: '198.51.100.4' });
    expect(await res.json()).toEqual({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r' });
    expect(gw.upstream.callsTo('users', '/sessions').at(-1)?.headers).toMatchObject({ 'x-client-id': '198.51.100.4' });
  });

  it('when signing out, then 204 with no body', async () => {
    const res = await gw.request('/api/v1/auth/logout', json({ refreshToken: 'r' }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('when the upstream answers 404, then the client gets that 404 problem with its detail', async () => {
    const res = await gw.request('/api/v1/products/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not found', detail: expect.stringMatching(/was not found/) });
  });

  it('when the upstream answers 409, then the client gets that 409 problem', async () => {
    const res = await gw.request('/api/v1/auth/register', json({ email: 'taken@example.com', password: 'correct horse', name: 'Ann' }));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ type: 'https://shop.example/problems/email-taken', detail: 'this email is taken' });
  });

  it('when the upstream is unreachable, then 503 problem+json without internals', async () => {
    gw.upstream.on('catalog', 'GET', '/categories', () => {
      throw unreachable('catalog');
    });
    const res = await gw.request('/api/v1/categories');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 503, title: 'A dependency is unavailable' });
    expect(text).not.toMatch(/ECONNREFUSED|10\.0\.0\.7/);
  });

  it('when the upstream does not answer before the deadline, then 504, and the deadline was sent along', async () => {
    gw.upstream.on('catalog', 'GET', '/categories', never);
    const started = Date.now();
    const res = await gw.request('/api/v1/categories');
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    const deadline = Number(gw.upstream.calls.at(-1)?.headers?.[DEADLINE_HEADER]);
    expect(deadline).toBeGreaterThanOrEqual(started + 300);
    expect(deadline).toBeLessThan(started + 1_300);
  });

  it('when a client sends its own x-shop-identity headers to a public route, then they are not forwarded', async () => {
    await gw.request('/api/v1/products', { headers: { 'x-shop-identity': 'forged', 'x-shop-identity-sig': 'forged' } });
    const headers = gw.upstream.callsTo('catalog', '/products').at(-1)?.headers ?? {};
    expect(Object.keys(headers).filter((h) => h.startsWith('x-shop-identity'))).toEqual([]);
  });

  it('when a signed-in client also sends forged identity headers, then upstream gets only the identity the gateway signed', async () => {
    const res = await gw.request('/api/v1/me', {
      bearer: await gw.token({ sub: 'cust-7', role: 'customer' }),
      headers: { 'x-shop-identity': Buffer.from('{"sub":"admin","role":"admin","exp":9999999999}').toString('base64url') },
    });
    expect(res.status).toBe(200);
    const headers = gw.upstream.callsTo('users', '/me').at(-1)?.headers ?? {};
    expect(verifyIdentity(upstreamVerifier('users'), headers)).toEqual({ sub: 'cust-7', role: 'customer' });
  });

  it('when a signed-in client is forwarded, then the identity is signed for that upstream only: another service refuses it', async () => {
    await gw.request('/api/v1/me', { bearer: await gw.token({ sub: 'cust-8', role: 'customer' }) });
    const headers = gw.upstream.callsTo('users', '/me').at(-1)?.headers ?? {};
    for (const other of ['cart', 'orders', 'payments', 'catalog'])
      expect(() => verifyIdentity(upstreamVerifier(other), headers)).toThrow(/another service/);
    expect(headers['x-shop-identity-delegated']).toBeUndefined();
  });

  it('when a customer checks out, then orders gets its identity and one for each of cart and payments, each good only there', async () => {
    gw.upstream.on('orders', 'POST', '/orders', () => ({ orderId: 'o-1', status: 'placed' }));
    const res = await gw.request('/api/v1/orders', {
      ...json(routeTable.find((r) => r.operationId === 'checkout')!.example),
      bearer: await gw.token({ sub: 'cust-9', role: 'customer' }),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', 'x-shop-identity-delegated': 'forged.forged' },
    });
    expect(res.status).toBe(202);
    const headers = gw.upstream.callsTo('orders', '/orders').at(-1)?.headers ?? {};
    const atOrders = verifyIdentity(upstreamVerifier('orders'), headers)!;
    expect(atOrders).toMatchObject({ sub: 'cust-9', role: 'customer' });
    expect(Object.keys(atOrders.delegated ?? {}).sort()).toEqual(['cart', 'payments']);
    expect(verifyIdentity(upstreamVerifier('cart'), identityHeadersFor(atOrders, 'cart'))).toEqual({ sub: 'cust-9', role: 'customer' });
    expect(verifyIdentity(upstreamVerifier('payments'), identityHeadersFor(atOrders, 'payments'))).toEqual({
      sub: 'cust-9',
      role: 'customer',
    });
    // What orders got for itself is refused by cart, and what it got for cart is refused by payments.
    expect(() => verifyIdentity(upstreamVerifier('cart'), headers)).toThrow(/another service/);
    expect(() => verifyIdentity(upstreamVerifier('payments'), identityHeadersFor(atOrders, 'cart'))).toThrow(/another service/);
  });

  it('when orders answers a checkout with an empty body (a reply cut short on the way), then the client gets 502, not a 202 without an order id', async () => {
    gw.upstream.on('orders', 'POST', '/orders', () => undefined);
    const res = await gw.request('/api/v1/orders', {
      ...json(routeTable.find((r) => r.operationId === 'checkout')!.example),
      bearer: await gw.token({ sub: 'cust-9', role: 'customer' }),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-2' },
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as Json).type).toMatch(/upstream-invalid-reply$/);
  });

  it('when the OpenAPI document is asked, then it is served as JSON and lists the routes', async () => {
    const res = await gw.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/products/{id}');
  });

  it('when an unknown path is asked, then 404 problem+json', async () => {
    const res = await gw.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
