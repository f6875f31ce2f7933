// Issue 3: every route the gateway declares, walked as anonymous, customer A, customer B and admin
// against the real services. The table comes from the route declarations themselves, so a route added
// tomorrow is walked too. Another customer's resources answer 404, never 403. A 5xx is never an answer:
// it fails the walk, whoever calls.
import { randomUUID } from 'node:crypto';
import { authorizationTable, routeTable } from '../../services/gateway/src/routes/table';
import { CARDS, Shop, type Json } from './support/shop';

type Who = 'anonymous' | 'customerA' | 'customerB' | 'admin';

let shop: Shop;
const tokens: Partial<Record<Who, string>> = {};
let ids: Record<string, string>;

beforeAll(async () => {
  shop = await Shop.start({}, {}, { observeEvents: true });
  const [a, b, admin] = await Promise.all([shop.customer(), shop.customer(), shop.admin()]);
  tokens.customerA = a.token;
  tokens.customerB = b.token;
  tokens.admin = admin;
  const product = await shop.product(admin, 50);
  const archivable = await shop.product(admin, 1);
  const paymentMethod = await shop.paymentMethod(a.token, CARDS.ok);
  const order = await shop.order(a.token, product.id, 1, paymentMethod);
  if (order.status !== 202) throw new Error(`checkout: ${order.status} ${JSON.stringify(order.body)}`);
  // Real ids for path parameters, so a served request reaches a real resource.
  ids = { productId: product.id, orderId: order.body.orderId, archivable: archivable.id, userId: a.id, paymentMethod };
});
afterAll(async () => {
  await shop?.stop();
});

/** The path with real ids: the order, user or product each route is about. */
function concrete(path: string): string {
  if (path.startsWith('/api/v1/orders/') || path.startsWith('/api/v1/admin/payments/')) return path.replace(/:[A-Za-z]+/, ids.orderId!);
  if (path.startsWith('/api/v1/admin/users/')) return path.replace(':id', ids.userId!);
  return path.replace(/:[A-Za-z]+/g, ids.productId!);
}

const routeOf = (method: string, path: string) => routeTable.find((r) => `/api/v1${r.path}` === path && r.method === method)!;

const callAs = async (who: Who, method: string, path: string) => {
  const route = routeOf(method, path);
  // Archiving is walked on a product of its own, so the others stay.
  const p = route.operationId === 'adminArchiveProduct' ? path.replace(':id', ids.archivable!) : concrete(path);
  let body = route.example;
  if (route.operationId === 'checkout') {
    // Checkout pays with A's saved card. A's cart (the walk emptied it) gets a unit first, so A's own
    // checkout is placed; everyone else names a card that is not theirs.
    body = { ...(route.example as object), paymentMethod: ids.paymentMethod };
    if (who === 'customerA') {
      const put = await shop.call(`/cart/items/${ids.productId}`, { method: 'PUT', token: tokens.customerA, body: { quantity: 1 } });
      if (put.status !== 200) throw new Error(`cart: ${put.status} ${JSON.stringify(put.body)}`);
    }
  }
  return shop.call(p.replace('/api/v1', ''), {
    method,
    token: tokens[who],
    headers: { 'idempotency-key': randomUUID() },
    ...(body === undefined ? {} : { body }),
  });
};

/** The gateway refused the caller (401 without or with a bad token, 403 for the role) — not an upstream's 401. */
const refused = (res: { status: number; body: Json }) =>
  res.status === 403 || (res.status === 401 && /\/(unauthorized|invalid-token)$/.test(String(res.body?.type)));

/** An answer as the walk reads it: served is neither refused by the gateway nor a 5xx. */
const seen = (res: { status: number; body: Json }) => ({
  status: res.status,
  type: res.body?.type,
  refused: refused(res),
  failed: res.status >= 500,
});
const SERVED = expect.objectContaining({ refused: false, failed: false });

/**
 * Routes whose request names one of customer A's resources (A's order in the path, A's saved card in
 * the body), and what customer B gets there: nothing that tells it exists (422 for a card that is not
 * B's), never 403. A gets the route's own success status.
 */
const aOwns: Record<string, { status: number; type: RegExp }> = {
  getOrder: { status: 404, type: /\/not-found$/ },
  checkout: { status: 422, type: /\/invalid-payment-method$/ },
};

// The four callers walk each route in turn (anonymous, A, B, admin); routes that change state do so on
// the caller's own cart or account, or on resources of their own (archiving, A's checkout).
describe.each(authorizationTable)('$method $path ($access)', ({ method, path, access }) => {
  const route = routeOf(method, path);
  const ofA = aOwns[route.operationId];

  it('when anonymous, then public routes are served and the others answer 401', async () => {
    const res = await callAs('anonymous', method, path);
    if (access === 'public') expect(seen(res)).toEqual(SERVED);
    else expect({ status: res.status, type: res.body?.type }).toEqual({ status: 401, type: expect.stringMatching(/\/unauthorized$/) });
  });

  it("when customer A, the owner of the ids in paths, then admin routes answer 403, A's own resources the route's success status, the others are served", async () => {
    const res = await callAs('customerA', method, path);
    if (access === 'admin') expect(res.status).toBe(403);
    else if (ofA) expect(seen(res)).toEqual({ status: route.response.status, type: undefined, refused: false, failed: false });
    else expect(seen(res)).toEqual(SERVED);
  });

  it("when customer B, then admin routes answer 403, A's resources as if absent (never 403), the others are served", async () => {
    const res = await callAs('customerB', method, path);
    if (access === 'admin') expect(res.status).toBe(403);
    else if (ofA) expect(seen(res)).toEqual({ status: ofA.status, type: expect.stringMatching(ofA.type), refused: false, failed: false });
    else expect(seen(res)).toEqual(SERVED);
  });

  it('when an admin, then the route is served', async () => {
    expect(seen(await callAs('admin', method, path))).toEqual(SERVED);
  });
});

describe("another customer's resources", () => {
  it("when customer B asks for customer A's order, then 404 — A and the admin see it", async () => {
    expect((await shop.call(`/orders/${ids.orderId}`, { token: tokens.customerB })).status).toBe(404);
    expect((await shop.call(`/orders/${ids.orderId}`, { token: tokens.customerA })).status).toBe(200);
    expect((await shop.call(`/orders/${ids.orderId}`, { token: tokens.admin })).status).toBe(200);
  });

  it("when customer B lists orders, carts and payment methods, then none of A's appear", async () => {
    const [orders, methods] = await Promise.all([
      shop.call('/orders', { token: tokens.customerB }),
      shop.call('/payment-methods', { token: tokens.customerB }),
    ]);
    expect(orders.body.items.map((o: Json) => o.id)).not.toContain(ids.orderId);
    expect(methods.status).toBe(200);
    expect(methods.body.items.map((m: Json) => m.token)).not.toContain(ids.paymentMethod);
    expect((await shop.call('/payment-methods', { token: tokens.customerA })).body.items.map((m: Json) => m.token)).toContain(
      ids.paymentMethod,
    );
  });

  it('when a customer asks for an account by id, then 403 at the gateway (admin route); the admin gets it', async () => {
    expect((await shop.call(`/admin/users/${ids.userId}`, { token: tokens.customerB })).status).toBe(403);
    expect((await shop.call(`/admin/users/${ids.userId}`, { token: tokens.admin })).body.id).toBe(ids.userId);
  });
});

describe('the events these tests caused', () => {
  it('when every test above has run, then each event the tap observed matched the JSON Schema of its CloudEvent type', () => {
    expect(shop.eventProblems()).toEqual([]);
  });
});
