import { check } from '@shop/kit';
import { authorizationTable, routeTable } from '../../src/routes/table';
import { startGateway, type Harness } from '../fixtures/harness';
import { unsignedToken } from '../fixtures/tokens';

const ID = '7f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
/** A request each route accepts (its declared example), so only authentication and authorization decide. */
function requestFor(path: string, method: string) {
  const route = routeTable.find((r) => `/api/v1${r.path}` === path && r.method === method)!;
  const body = route.example;
  return {
    path: path.replace(/:[A-Za-z]+/g, ID),
    init: { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) },
  };
}

/** The status a route answers when it is served: its declared success status. */
const successOf = (path: string, method: string) =>
  routeTable.find((r) => `/api/v1${r.path}` === path && r.method === method)!.response.status;

describe('authentication and authorization, route by route', () => {
  let gw: Harness;
  let customer: string;
  let admin: string;
  beforeAll(async () => {
    gw = await startGateway();
    gw.upstream.fallback = () => ({ ok: true, items: [] });
    customer = await gw.token({ sub: 'cust-1', role: 'customer' });
    admin = await gw.token({ sub: 'admin-1', role: 'admin' });
  });
  afterAll(() => gw.close());

  it('when the table is read, then every route the public API promises is there with the right access', () => {
    const access = Object.fromEntries(authorizationTable.map((r) => [`${r.method} ${r.path}`, r.access]));
    expect(access).toEqual({
      'POST /api/v1/auth/register': 'public',
      'POST /api/v1/auth/login': 'public',
      'POST /api/v1/auth/refresh': 'public',
      'POST /api/v1/auth/logout': 'public',
      'GET /api/v1/me': 'customer',
      'PATCH /api/v1/me': 'customer',
      'GET /api/v1/me/overview': 'customer',
      'GET /api/v1/categories': 'public',
      'GET /api/v1/products': 'public',
      'GET /api/v1/products/:id': 'public',
      'GET /api/v1/openapi.json': 'public',
      'GET /api/v1/admin/users': 'admin',
      'GET /api/v1/admin/users/:id': 'admin',
      'POST /api/v1/products': 'admin',
      'PATCH /api/v1/products/:id': 'admin',
      'DELETE /api/v1/products/:id': 'admin',
      'PUT /api/v1/products/:id/stock': 'admin',
      'GET /api/v1/cart': 'customer',
      'PUT /api/v1/cart/items/:productId': 'customer',
      'DELETE /api/v1/cart/items/:productId': 'customer',
      'DELETE /api/v1/cart': 'customer',
      'POST /api/v1/payment-methods': 'customer',
      'GET /api/v1/payment-methods': 'customer',
      'POST /api/v1/orders': 'customer',
      'GET /api/v1/orders': 'customer',
      'GET /api/v1/orders/:id': 'customer',
      'GET /api/v1/admin/payments/:orderId': 'admin',
      'POST /api/v1/admin/orders/read-model/rebuild': 'admin',
      'GET /api/v1/admin/orders/read-model/rebuild': 'admin',
    });
  });

  it('when a route takes a body, then it declares an example that its own schema accepts', () => {
    for (const r of routeTable.filter((x) => x.body))
      expect({ op: r.operationId, problems: check(r.body!, r.example, 'body') }).toEqual({ op: r.operationId, problems: [] });
  });

  describe.each(authorizationTable.filter((r) => r.access !== 'public'))('$method $path ($access)', ({ method, path, access }) => {
    it('when no token is sent, then 401 problem+json with a Bearer challenge and no upstream call', async () => {
      const { path: p, init } = requestFor(path, method);
      const before = gw.upstream.calls.length;
      const res = await gw.request(p, init);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(gw.upstream.calls.slice(before).filter((c) => !c.path.includes('jwks'))).toEqual([]);
    });

    it('when an unsigned (alg none) admin token is sent, then 401 invalid_token', async () => {
      const { path: p, init } = requestFor(path, method);
      const res = await gw.request(p, { ...init, bearer: unsignedToken() });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it(`when a customer calls, then ${access === 'admin' ? '403' : 'it is served'}`, async () => {
      const { path: p, init } = requestFor(path, method);
      const res = await gw.request(p, { ...init, bearer: customer });
      expect(res.status).toBe(access === 'admin' ? 403 : successOf(path, method));
    });

    it('when an admin calls, then it is served', async () => {
      const { path: p, init } = requestFor(path, method);
      expect((await gw.request(p, { ...init, bearer: admin })).status).toBe(successOf(path, method));
    });
  });

  describe.each(authorizationTable.filter((r) => r.access === 'public'))('$method $path (public)', ({ method, path }) => {
    it('when called without a token, then neither 401 nor 403', async () => {
      const { path: p, init } = requestFor(path, method);
      const res = await gw.request(p, init);
      expect(res.status).toBeLessThan(300);
    });
  });

  it('when an expired token is sent, then 401 says it has expired', async () => {
    const res = await gw.request('/api/v1/me', { bearer: await gw.token({ expiresIn: -10 }) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expired/);
  });

  it('when a customer is refused an admin route, then the problem is 403 forbidden and users was never asked', async () => {
    const before = gw.upstream.callsTo('users', '/users').length;
    const res = await gw.request('/api/v1/admin/users', { bearer: customer });
    expect(await res.json()).toMatchObject({ status: 403, type: 'https://shop.example/problems/forbidden' });
    expect(gw.upstream.callsTo('users', '/users')).toHaveLength(before);
  });
});

describe('when the signing keys cannot be fetched', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway();
    gw.upstream.on('users', 'GET', '/.well-known/jwks.json', () => Promise.reject(new Error('users is down')));
    gw.upstream.on('catalog', 'GET', '/categories', () => ({ items: [] }));
  });
  afterAll(() => gw.close());

  it('when a route needs a user, then 503 problem+json', async () => {
    const res = await gw.request('/api/v1/me', { bearer: await gw.token() });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(await res.json())).not.toMatch(/users is down/);
  });

  it('when a route is public, then it still works', async () => {
    expect((await gw.request('/api/v1/categories')).status).toBe(200);
  });
});
