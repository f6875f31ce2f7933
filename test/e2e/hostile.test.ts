// Issue 10 end to end: the shop as a hostile client tries it, through the gateway's port and the ingress
// sidecar, with every service behind its real sidecar. Each attack was reproduced against an earlier
// main; each test shows it refused — by the ingress or the gateway with a 4xx, never an app's answer and
// never a secret — and the numbers in the names are the issue's.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { DaprClient as DaprGrpcClient } from '@dapr/dapr/proto/dapr/proto/runtime/v1/dapr_grpc_pb';
import { GetSecretRequest } from '@dapr/dapr/proto/dapr/proto/runtime/v1/secret_pb';
import { GetStateRequest } from '@dapr/dapr/proto/dapr/proto/runtime/v1/state_pb';
import { devSecrets } from '@shop/testkit';
import { Shop, CARDS, ADDRESS, type Json } from './support/shop';

let shop: Shop;
let admin: string;
beforeAll(async () => {
  shop = await Shop.start({}, {}, { observeEvents: true });
  admin = await shop.admin();
});
afterAll(async () => {
  await shop?.stop();
});

interface RawReply {
  status: number;
  type: string;
  body: string;
}

/**
 * One request with the path exactly as written: fetch (WHATWG URL) would resolve `..` and `%2e%2e` on
 * the client side, which is what an attacker's raw socket does not do.
 */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}

const ingressPort = () => shop.stack.get('ingress').ports.http;
const up = (n: number, dots = '%2e%2e') => Array.from({ length: n }, () => dots).join('/');
const appIdBasic = (app: string) => `Basic ${Buffer.from(`dapr-app-id:${app}`).toString('base64')}`;
/** What an internal answer would give away: signing keys, secrets, sidecar metadata, metrics. */
const LEAKS = /"keys"\s*:|PRIVATE KEY|"components"\s*:|# HELP|secretstore/;

describe('1. the ingress lets only the gateway public API through', () => {
  const jwks = `/v1.0/invoke/gateway/method/${up(4)}/.well-known/jwks.json`;
  it.each([
    ['dapr-app-id header + %2e%2e segments', jwks, { 'dapr-app-id': 'users' }],
    ['dapr-app-id header of catalog', `/v1.0/invoke/gateway/method/${up(4)}/products`, { 'dapr-app-id': 'catalog' }],
    ['Basic app-id + %2e%2e segments', jwks, { authorization: appIdBasic('users') }],
    ['basic (lower case) app-id', jwks, { authorization: appIdBasic('users').replace('Basic', 'basic') }],
    ['raw .. segments', `/v1.0/invoke/gateway/method/api/v1/${up(6, '..')}/v1.0/invoke/users/method/.well-known/jwks.json`, {}],
    ['upper-case %2E%2E', `/v1.0/invoke/gateway/method/api/v1/${up(6, '%2E%2E')}/v1.0/invoke/users/method/.well-known/jwks.json`, {}],
    ['double-encoded %252e%252e', `/v1.0/invoke/gateway/method/api/v1/${up(6, '%252e%252e')}/v1.0/invoke/users/method/x`, {}],
    ['encoded slash and dots', `/v1.0/invoke/gateway/method/api/v1/products%2F..%2F..%2F..%2F.well-known%2Fjwks.json`, {}],
    ['backslash dots', `/v1.0/invoke/gateway/method/api/v1/..%5c..%5c.well-known/jwks.json`, {}],
    ['another app by path', '/v1.0/invoke/users/method/.well-known/jwks.json', {}],
    ['another app, namespaced', '/v1.0/invoke/users.default/method/.well-known/jwks.json', {}],
    ['an app id that is a URL', `/v1.0/invoke/http%3A%2F%2F127.0.0.1%3A1/method/v1.0/metadata`, {}],
    ["the gateway's operational routes", '/v1.0/invoke/gateway/method/metrics', {}],
    ["the gateway's readiness", '/v1.0/invoke/gateway/method/readyz', {}],
    ['a sidecar API token of its own', '/v1.0/invoke/gateway/method/api/v1/categories', { 'dapr-api-token': 'guess' }],
    ['a caller app id of its own', '/v1.0/invoke/gateway/method/api/v1/categories', { 'dapr-caller-app-id': 'orders' }],
    ['the state API', '/v1.0/state/statestore/anything', {}],
    ['the secrets API', '/v1.0/secrets/secretstore/users-jwt-private-key', {}],
    ['the metadata API', '/v1.0/metadata', {}],
  ])('when a client sends %s, then the ingress refuses it with 403 and no internal answer', async (_what, path, headers) => {
    const res = await raw(ingressPort(), 'GET', path, headers);
    expect({ status: res.status, leak: LEAKS.test(res.body) }).toEqual({ status: 403, leak: false });
  });

  it('when a client publishes through the ingress, then it is refused with 403', async () => {
    const res = await raw(ingressPort(), 'POST', '/v1.0/publish/pubsub/orders', { 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(403);
  });

  it('when a client names a sidecar by URL to read a secret (3), then neither the key nor any secret comes back', async () => {
    const users = `http://127.0.0.1:${shop.stack.get('users').ports.http}`;
    const path = `/v1.0/invoke/gateway/method/${up(4)}/v1.0/secrets/secretstore/users-jwt-private-key`;
    const picks: Array<Record<string, string>> = [{ 'dapr-app-id': users }, { authorization: appIdBasic(users) }];
    for (const headers of picks) {
      const res = await raw(ingressPort(), 'GET', path, headers);
      expect({ status: res.status, leak: LEAKS.test(res.body) }).toEqual({ status: 403, leak: false });
    }
    const byPath = await raw(
      ingressPort(),
      'GET',
      `/v1.0/invoke/${encodeURIComponent(users)}/method/v1.0/secrets/secretstore/users-jwt-private-key`,
    );
    expect({ status: byPath.status, leak: LEAKS.test(byPath.body) }).toEqual({ status: 403, leak: false });
  });

  it('when a caller without the app token asks a sidecar for a secret (3), then the sidecar answers 401', async () => {
    for (const app of ['users', 'gateway', 'orders']) {
      const res = await fetch(`${shop.stack.get(app).daprUrl}/v1.0/secrets/secretstore/users-jwt-private-key`);
      const body = await res.text();
      expect({ app, status: res.status, leak: LEAKS.test(body) }).toEqual({ app, status: 401, leak: false });
    }
  });

  it("when a client speaks gRPC to the ingress sidecar's API, then secrets, state and proxying are all refused", async () => {
    const address = `127.0.0.1:${shop.stack.get('ingress').ports.grpc}`;
    const client = new DaprGrpcClient(address, grpc.credentials.createInsecure());
    const outcome = (call: (cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void) =>
      new Promise<string>((resolve) => call((err) => resolve(err ? (grpc.status[err.code] ?? String(err.code)) : 'OK')));
    try {
      const secret = await outcome((cb) =>
        client.getSecret(new GetSecretRequest().setStoreName('secretstore').setKey('users-jwt-private-key'), cb),
      );
      const state = await outcome((cb) => client.getState(new GetStateRequest().setStoreName('statestore').setKey('x'), cb));
      // gRPC proxying: any method, the target app named in metadata.
      const proxied = await outcome((cb) => {
        const md = new grpc.Metadata();
        md.set('dapr-app-id', 'users');
        client.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          md,
          cb,
        );
      });
      expect({ secret, state, proxiedOk: proxied === 'OK' }).toEqual({ secret: 'UNIMPLEMENTED', state: 'UNIMPLEMENTED', proxiedOk: false });
    } finally {
      client.close();
    }
  });

  it("when an app's own sidecar is asked for another app's secret (3), then it refuses: each reads only its own", async () => {
    const ask = async (via: string, secret: string) => {
      const res = await fetch(`${shop.stack.get(via).daprUrl}/v1.0/secrets/secretstore/${secret}`, {
        headers: shop.stack.daprHeaders(via),
      });
      const body = await res.text();
      return {
        via,
        secret,
        status: res.status,
        leak: /PRIVATE KEY|postgres:\/\//.test(body) || body.includes(devSecrets()['admin-password']!),
      };
    };
    for (const [via, secret] of [
      ['orders', 'users-jwt-private-key'],
      ['cart', 'gateway-identity-private-key'],
      ['payments', 'admin-password'],
      ['catalog', 'orders-db-url'],
      ['gateway', 'users-jwt-private-key'],
    ] as const)
      expect(await ask(via, secret)).toEqual({ via, secret, status: 403, leak: false });
    expect((await ask('users', 'users-jwt-private-key')).status).toBe(200);
  });

  it('when a client calls the public API through the ingress, then it is served', async () => {
    const res = await raw(ingressPort(), 'GET', '/v1.0/invoke/gateway/method/api/v1/products?limit=1&sort=price_asc');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).items).toHaveLength(1);
  });
});

describe('sidecars: who may invoke whom is decided on a proven (mTLS) caller id, deny by default', () => {
  const invoke = (via: string, app: string, method: string, verb = 'GET') =>
    fetch(shop.stack.invokeUrl(via, app, method), { method: verb, headers: shop.stack.daprHeaders(via) }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  it.each([
    ['cart', 'users', '.well-known/jwks.json', 'GET'],
    ['orders', 'catalog', 'products?limit=1', 'GET'],
    ['payments', 'orders', 'orders', 'GET'],
    ['orders', 'cart', `cart/items/${randomUUID()}`, 'PUT'],
    ['cart', 'catalog', `admin/products/${randomUUID()}`, 'DELETE'],
    ['catalog', 'gateway', 'api/v1/categories', 'GET'],
  ])('when %s invokes %s %s (%s), which its policy does not allow, then the callee sidecar answers 403', async (via, app, method, verb) => {
    expect(await invoke(via, app, method, verb)).toBe(403);
  });

  it.each([
    ['orders', 'fulfillment-cron'],
    ['catalog', 'reservation-sweep-cron'],
    ['orders', 'events/stock/stock.reserved.v1'],
    ['payments', 'events/orders/order.confirmed.v1'],
    ['catalog', 'dapr/subscribe'],
  ])('when the gateway, which may invoke %s, invokes its delivery route /%s, then the app answers 404', async (app, route) => {
    const verb = route === 'dapr/subscribe' ? 'GET' : 'POST';
    expect(await invoke('gateway', app, route, verb)).toBe(404);
  });

  it('when cart reads products from catalog, which its policy allows, then it is served', async () => {
    expect(await invoke('cart', 'catalog', 'products?limit=1')).toBe(200);
  });
});

describe('2. forged saga events do not buy goods', () => {
  const forged = (orderId: string, productId: string) => ({
    stock: { orderId, lines: [{ productId, quantity: 1 }], expiresAt: new Date(Date.now() + 600_000).toISOString() },
    payment: { orderId, paymentId: 'pay_forged000000000000000000', amount: { amount: 0, currency: 'USD' } },
  });
  const envelope = (type: string, data: unknown) => JSON.stringify({ specversion: '1.0', id: randomUUID(), source: 'x', type, data });

  it('when a declined card checks out and forged stock and payment events follow by every route, then the order ends cancelled and nothing ships', async () => {
    const product = await shop.product(admin, 3, 2500);
    const me = await shop.customer();
    const pm = await shop.paymentMethod(me.token, CARDS.declined);
    const placed = await shop.order(me.token, product.id, 1, pm);
    expect(placed.status).toBe(202);
    const orderId = placed.body.orderId as string;
    const f = forged(orderId, product.id);

    // a) through the ingress, picking orders with a header and climbing out of the gateway's path
    for (const [route, type, data] of [
      ['events/stock/stock.reserved.v1', 'stock.reserved.v1', f.stock],
      ['events/payments/payment.authorized.v1', 'payment.authorized.v1', f.payment],
    ] as const) {
      const res = await raw(
        ingressPort(),
        'POST',
        `/v1.0/invoke/gateway/method/${up(4)}/${route}`,
        { 'dapr-app-id': 'orders', 'content-type': 'application/cloudevents+json' },
        envelope(type, data),
      );
      expect({ route, status: res.status, body: res.body.includes('SUCCESS') }).toEqual({ route, status: 403, body: false });
      // b) by service invocation from inside (as the gateway's sidecar would): the routes are delivery-only
      const inside = await fetch(shop.stack.invokeUrl('gateway', 'orders', route), {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', ...shop.stack.daprHeaders('gateway') },
        body: envelope(type, data),
      });
      expect({ route, status: inside.status }).toEqual({ route, status: 404 });
    }
    // c) published on the payments topic by a sidecar that does not own it: the broker scoping refuses
    const notOwner = await fetch(
      `${shop.stack.get('orders').daprUrl}/v1.0/publish/pubsub/payments?metadata.cloudevent.type=payment.authorized.v1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...shop.stack.daprHeaders('orders') },
        body: JSON.stringify(f.payment),
      },
    );
    expect(notOwner.status).toBe(403);
    // d) published by the owner itself (a compromised payments): orders checks the amount against the order
    const owner = await fetch(
      `${shop.stack.get('payments').daprUrl}/v1.0/publish/pubsub/payments?metadata.cloudevent.type=payment.authorized.v1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...shop.stack.daprHeaders('payments') },
        body: JSON.stringify(f.payment),
      },
    );
    expect(owner.status).toBe(204);

    const done = await shop.until(me.token, orderId, (s) => s === 'cancelled' || s === 'confirmed' || s === 'shipped');
    expect({ status: done.status, reason: done.cancelReason }).toEqual({ status: 'cancelled', reason: 'payment-declined' });
    const steps = (done.timeline as Json[]).map((t) => t.status ?? t.type);
    expect(steps.join(' ')).not.toMatch(/payment-authorized|confirmed|shipped/);
    expect(await shop.available(product.id)).toBe(3);
  });
});

describe('5. bad input gets a bounded 4xx problem, never a 5xx', () => {
  const bounded = (res: { status: number; headers: Headers; body: Json }) => ({
    status: res.status,
    type: res.headers.get('content-type')?.split(';')[0],
    size: JSON.stringify(res.body ?? '').length <= 64 * 1024,
  });
  const cursor = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

  it.each([
    ['a NUL in the search text', '/products?q=%00abc'],
    ['invalid UTF-8 in the search text', '/products?q=%ff%fe'],
    [
      'a catalog cursor whose price overflows',
      `/products?sort=price_asc&cursor=${cursor({ s: 'price_asc', v: 2 ** 53 - 1, id: randomUUID() })}`,
    ],
    ['a catalog cursor of garbage', '/products?cursor=AAAA'],
  ])('when a client sends %s, then 400 problem+json', async (_what, path) => {
    expect(bounded(await shop.call(path))).toEqual({ status: 400, type: 'application/problem+json', size: true });
  });

  it('when an orders cursor carries placedAt "1", then 400 problem+json', async () => {
    const me = await shop.customer();
    const res = await shop.call(`/orders?cursor=${cursor(['1', randomUUID()])}`, { token: me.token });
    expect(bounded(res)).toEqual({ status: 400, type: 'application/problem+json', size: true });
  });

  it('when PATCH /me carries 20,000 empty addresses, then a small 400 validation problem', async () => {
    const me = await shop.customer();
    const res = await shop.call('/me', {
      method: 'PATCH',
      token: me.token,
      body: { addresses: Array.from({ length: 20_000 }, () => ({})) },
    });
    // About 60 kB, under the gateway's body limit: its validation (at most 10 addresses) refuses it.
    expect({ ...bounded(res), problem: res.body?.type }).toEqual({
      status: 400,
      type: 'application/problem+json',
      size: true,
      problem: expect.stringMatching(/\/validation-failed$/),
    });
  });

  it('when a login carries 8,000 unknown keys, then a small 400 problem', async () => {
    const body: Record<string, string> = { email: 'x@example.com', password: 'whatever it is' };
    for (let i = 0; i < 8_000; i++) body[`k${i}`] = 'v';
    const res = await shop.call('/auth/login', { method: 'POST', body });
    expect(bounded(res)).toEqual({ status: 400, type: 'application/problem+json', size: true });
  });

  it('when a checkout names a shipping address with a NUL, then 400', async () => {
    const me = await shop.customer();
    const res = await shop.call('/orders', {
      method: 'POST',
      token: me.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { paymentMethod: 'pm_aaaaaaaaaaaaaaaaaaaaaaaa', shippingAddress: { ...ADDRESS, line1: 'a\u0000b' } },
    });
    expect(bounded(res)).toEqual({ status: 400, type: 'application/problem+json', size: true });
  });
});

describe('6. operational endpoints are not on the public port', () => {
  it.each(['/metrics', '/readyz'])('when a client asks the gateway port for %s, then 404', async (path) => {
    const res = await fetch(`${shop.stack.get('gateway').appUrl}${path}`);
    const body = await res.text();
    expect({ status: res.status, metrics: body.includes('# HELP') }).toEqual({ status: 404, metrics: false });
  });
});

describe('the events these tests caused', () => {
  it('when every test above has run, then each event the tap observed matched the JSON Schema of its CloudEvent type', () => {
    expect(shop.eventProblems()).toEqual([]);
  });
});
