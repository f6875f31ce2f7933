// Issue 3 end to end: the public API through the gateway, with every service behind its real sidecar,
// and the same journey through the app-less ingress sidecar (the local analogue of an ingress with a
// Dapr sidecar): register → sign in → /me → browse.
import { SignJWT, importPKCS8 } from 'jose';
import { devSecrets } from '@shop/testkit';
import { Shop, type Json } from './support/shop';

let shop: Shop;
beforeAll(async () => {
  shop = await Shop.start();
});
afterAll(async () => {
  await shop?.stop();
});

describe.each(['gateway', 'ingress'] as const)('the customer journey through the %s', (via) => {
  it('when a shopper registers, signs in and browses, then each step answers as the API promises', async () => {
    const me = await shop.customer(via);
    const profile = await shop.call('/me', { token: me.token, via });
    expect({ status: profile.status, body: profile.status === 200 ? 'ok' : profile.body }).toEqual({ status: 200, body: 'ok' });
    expect(profile.body).toMatchObject({ id: me.id, email: me.email, role: 'customer' });
    expect(JSON.stringify(profile.body)).not.toMatch(/password|hash/i);

    const page = await shop.call('/products?limit=3&inStock=true&sort=price_asc', { via });
    expect({ status: page.status, body: page.status === 200 ? 'ok' : page.body }).toEqual({ status: 200, body: 'ok' });
    expect(page.body.items).toHaveLength(3);
    const prices = page.body.items.map((p: Json) => p.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));

    const product = await shop.call(`/products/${page.body.items[0].id}`, { via });
    expect(product.status).toBe(200);
    expect(product.body.stock.available).toBeGreaterThan(0);

    const tree = await shop.call('/categories', { via });
    expect(tree.body.items.length).toBeGreaterThan(0);
  });
});

describe('the ingress sidecar', () => {
  it('when a client tries to reach an internal service or another Dapr API through it, then it is refused', async () => {
    const ingress = shop.stack.get('ingress').daprUrl;
    const direct = await fetch(`${ingress}/v1.0/invoke/users/method/.well-known/jwks.json`);
    expect(direct.status).toBeGreaterThanOrEqual(400);
    const state = await fetch(`${ingress}/v1.0/state/statestore/anything`);
    expect(state.status).toBeGreaterThanOrEqual(400);
    const publish = await fetch(`${ingress}/v1.0/publish/pubsub/orders`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(publish.status).toBeGreaterThanOrEqual(400);
  });
});

describe('tokens and sessions', () => {
  const issue = async (claims: Record<string, unknown>, exp: number | string) => {
    const key = await importPKCS8(devSecrets()['users-jwt-private-key']!, 'EdDSA');
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).setIssuedAt().setExpirationTime(exp).sign(key);
  };

  it('when a token is tampered with, unsigned (alg none), expired or from another issuer, then 401 with a Bearer challenge', async () => {
    const me = await shop.customer();
    const [h, p, sig] = me.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${sig}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    const expired = await issue({ ...claims, iss: 'shop-users', aud: 'shop-api' }, Math.floor(Date.now() / 1000) - 60);
    const foreign = await issue({ ...claims, iss: 'someone-else', aud: 'shop-api' }, '5m');
    for (const token of [tampered, none, expired, foreign]) {
      const res = await shop.call('/me', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await shop.call('/me', { token: me.token })).status).toBe(200);
  });

  it('when a refresh token is used, then it rotates; reusing the old one fails; logout revokes', async () => {
    const email = `r-${Date.now()}@example.com`;
    await shop.call('/auth/register', { method: 'POST', body: { email, password: 'another long passphrase', name: 'R' } });
    const login = await shop.call('/auth/login', { method: 'POST', body: { email, password: 'another long passphrase' } });
    const first = login.body.refreshToken as string;
    const rotated = await shop.call('/auth/refresh', { method: 'POST', body: { refreshToken: first } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first);
    expect((await shop.call('/auth/refresh', { method: 'POST', body: { refreshToken: first } })).status).toBe(401);
    expect((await shop.call('/auth/logout', { method: 'POST', body: { refreshToken: rotated.body.refreshToken } })).status).toBe(204);
  });
});

describe('bad input', () => {
  it('when a body is oversized, then 413; malformed JSON, then 400; an invalid field, then 400 naming it', async () => {
    const big = await shop.call('/auth/register', {
      method: 'POST',
      body: { email: 'x@example.com', password: 'x'.repeat(10), name: 'n'.repeat(200_000) },
    });
    expect(big.status).toBe(413);
    const res = await fetch(shop.url('/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const invalid = await shop.call('/auth/register', {
      method: 'POST',
      body: { email: 'not-an-email', password: 'a long enough passphrase', name: 'N' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: Json) => e.field)).toContain('body.email');
    const query = await shop.call('/products?limit=-1&minPrice=abc');
    expect(query.status).toBe(400);
    expect(query.body.errors.map((e: Json) => e.field).sort()).toEqual(['query.limit', 'query.minPrice']);
  });

  it("when a service's app port is called directly, without its sidecar's token, then it is refused", async () => {
    for (const app of ['users', 'catalog', 'orders', 'cart', 'payments']) {
      const res = await fetch(`${shop.stack.get(app).appUrl}/dapr/subscribe`);
      expect({ app, status: res.status }).toEqual({ app, status: 401 });
    }
  });
});

describe('the API description and the overview', () => {
  it('when the OpenAPI document is fetched, then it is 3.1 and lists the public routes', async () => {
    const doc = await shop.call('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.servers).toEqual([expect.objectContaining({ url: '/api/v1' })]);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/products', '/orders', '/products/{id}', '/cart/items/{productId}']),
    );
  });

  it('when a customer asks for the overview, then profile, cart and recent orders come back together', async () => {
    const me = await shop.customer();
    const overview = await shop.call('/me/overview', { token: me.token });
    expect(overview.status).toBe(200);
    expect(overview.body.profile.id).toBe(me.id);
    expect(overview.body.cart).toMatchObject({ items: [] });
    expect(overview.body.degraded).toEqual([]);
  });
});
