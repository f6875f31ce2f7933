import { verifyIdentity } from '@shop/kit';
import { never, unreachable, upstreamProblem } from '../fixtures/fake-upstream';
import { startGateway, upstreamVerifier, type Harness } from '../fixtures/harness';

const profile = { id: 'cust-1', email: 'ann@example.com', name: 'Ann' };
const cart = { itemCount: 2, total: { amount: 4200, currency: 'USD' } };
const orders = { items: [{ orderId: 'o-1', status: 'confirmed' }], nextCursor: null };

describe('GET /api/v1/me/overview', () => {
  let gw: Harness;
  let token: string;
  beforeAll(async () => {
    gw = await startGateway({ OVERVIEW_PART_TIMEOUT_MS: '200' });
    token = await gw.token({ sub: 'cust-1' });
  });
  afterAll(() => gw.close());

  const overview = async () => {
    const res = await gw.request('/api/v1/me/overview', { bearer: token });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const answer = (cartAnswer: () => unknown, ordersAnswer: () => unknown, profileAnswer: () => unknown = () => profile) =>
    gw.upstream
      .on('users', 'GET', '/me', profileAnswer)
      .on('cart', 'GET', '/cart', cartAnswer)
      .on('orders', 'GET', '/orders', ordersAnswer);

  it('when every part answers, then all three are there, fetched with the caller identity, and nothing is degraded', async () => {
    answer(
      () => cart,
      () => orders,
    );
    const { status, body } = await overview();
    expect(status).toBe(200);
    expect(body).toEqual({ profile, cart, recentOrders: orders.items, degraded: [] });
    const last = gw.upstream.calls.slice(-3);
    expect(last.map((c) => `${c.appId} ${c.path}`).sort()).toEqual(['cart /cart', 'orders /orders?limit=5', 'users /me']);
    for (const call of last)
      expect(verifyIdentity(upstreamVerifier(call.appId), call.headers ?? {})).toEqual({ sub: 'cust-1', role: 'customer' });
    // Each part's identity is signed for its own service: cart's is refused by users.
    const toCart = last.find((c) => c.appId === 'cart')!;
    expect(() => verifyIdentity(upstreamVerifier('users'), toCart.headers ?? {})).toThrow(/another service/);
  });

  it('when cart and orders are not deployed, then 200 with them null and named as degraded', async () => {
    answer(
      () => Promise.reject(unreachable('cart')),
      () => Promise.reject(unreachable('orders')),
    );
    const { status, body } = await overview();
    expect(status).toBe(200);
    expect(body).toEqual({ profile, cart: null, recentOrders: null, degraded: ['cart', 'recentOrders'] });
    expect(
      gw
        .logs()
        .filter((l) => l.message === 'overview served without a part')
        .map((l) => l['overview.part']),
    ).toEqual(expect.arrayContaining(['cart', 'recentOrders']));
  });

  it('when the orders part is slow, then the overview does not wait for it beyond its own timeout', async () => {
    answer(() => cart, never);
    const started = Date.now();
    const { status, body } = await overview();
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(body).toMatchObject({ cart, recentOrders: null, degraded: ['recentOrders'] });
  });

  it('when the profile fails, then the whole call fails with its status', async () => {
    answer(
      () => cart,
      () => orders,
      () => Promise.reject(unreachable('users')),
    );
    expect((await overview()).status).toBe(503);
    answer(
      () => cart,
      () => orders,
      () => Promise.reject(upstreamProblem(404, 'not-found', 'Not found', 'account was not found')),
    );
    expect(await overview()).toMatchObject({ status: 404, body: { detail: 'account was not found' } });
  });
});
