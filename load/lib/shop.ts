// What every k6 script shares: where the shop is (the fixed ports of dapr/run.yaml, as `npm start` runs
// it), how a client identifies itself, and the set-up calls (customers, products) done in setup().
import http from 'k6/http';
import { check, fail } from 'k6';

export const GATEWAY = __ENV.GATEWAY_URL ?? 'http://127.0.0.1:3000/api/v1';
export const GATEWAY_SIDECAR = __ENV.GATEWAY_SIDECAR_URL ?? 'http://127.0.0.1:3500';
export const CATALOG_APP = __ENV.CATALOG_APP_URL ?? 'http://127.0.0.1:3102';
export const CATALOG_SIDECAR = __ENV.CATALOG_SIDECAR_URL ?? 'http://127.0.0.1:3502';
/** The token the catalog's sidecar sends its app, if APP_API_TOKEN was set for `npm start`. */
export const APP_API_TOKEN = __ENV.APP_API_TOKEN ?? '';
export const PASSWORD = 'a long enough passphrase';
export const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

/** Seconds of each measured phase, and of the warm-up before it. */
export const SECONDS = Number(__ENV.SECONDS ?? 15);
export const WARMUP = Number(__ENV.WARMUP_SECONDS ?? 5);

/**
 * Each virtual user a client address of its own. The gateway counts rate limits per client; it reads
 * X-Forwarded-For on its port only behind a trusted proxy (DIRECT_PROXY_HOPS=1 makes k6 that proxy),
 * and its default limits are far below a load test's rate, so start the shop with e.g. `DIRECT_PROXY_HOPS=1
 * RATE_LIMIT_AUTH=1000000000 RATE_LIMIT_READ=1000000000 RATE_LIMIT_WRITE=1000000000 npm start`.
 */
export function clientAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;
}

export function jsonHeaders(i: number, token?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-forwarded-for': clientAddress(i),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

function expectStatus(res: http.RefinedResponse<http.ResponseType | undefined>, status: number, what: string): void {
  const body = typeof res.body === 'string' ? res.body : '';
  if (!check(res, { [`${what} ${status}`]: (r) => r.status === status })) fail(`${what}: ${res.status} ${body}`);
}

/** A string field of a JSON answer (`items.0.id`), or the script stops: nothing after it could work. */
function field(res: http.RefinedResponse<http.ResponseType | undefined>, selector: string): string {
  const v = res.json(selector);
  if (typeof v !== 'string') fail(`no string at ${selector} in ${typeof res.body === 'string' ? res.body : ''}`);
  return v;
}

/** Any product in stock from the seeded catalog (PRODUCT_ID overrides). */
export function someProductId(): string {
  if (__ENV.PRODUCT_ID) return __ENV.PRODUCT_ID;
  const res = http.get(`${GATEWAY}/products?limit=1&inStock=true`, { headers: jsonHeaders(0) });
  expectStatus(res, 200, 'first product');
  return field(res, 'items.0.id');
}

export interface Customer {
  token: string;
  paymentMethod: string;
}

/** A new customer, signed in, with a saved test card (two scrypt hashes on the users service). */
export function newCustomer(i: number): Customer {
  const email = `k6-${Date.now()}-${i}-${Math.floor(Math.random() * 1e9)}@example.com`;
  const headers = { headers: jsonHeaders(200_000 + i) };
  expectStatus(http.post(`${GATEWAY}/auth/register`, JSON.stringify({ email, password: PASSWORD, name: 'k6' }), headers), 201, 'register');
  const login = http.post(`${GATEWAY}/auth/login`, JSON.stringify({ email, password: PASSWORD }), headers);
  expectStatus(login, 200, 'login');
  const token = field(login, 'accessToken');
  const card = JSON.stringify({ cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' });
  const pm = http.post(`${GATEWAY}/payment-methods`, card, { headers: jsonHeaders(200_000 + i, token) });
  expectStatus(pm, 201, 'payment method');
  return { token, paymentMethod: field(pm, 'token') };
}

/** Products with plenty of stock, created as the bootstrapped admin (ADMIN_EMAIL / ADMIN_PASSWORD). */
export function stockedProducts(n: number): string[] {
  const admin = http.post(
    `${GATEWAY}/auth/login`,
    JSON.stringify({
      email: __ENV.ADMIN_EMAIL ?? 'admin@shop.local',
      password: __ENV.ADMIN_PASSWORD ?? 'correct-horse-battery-staple-dev',
    }),
    { headers: jsonHeaders(300_000) },
  );
  expectStatus(admin, 200, 'admin login');
  const token = field(admin, 'accessToken');
  const tree = http.get(`${GATEWAY}/categories`, { headers: jsonHeaders(300_000) });
  const slug = field(tree, 'items.0.children.0.slug');
  const ids: string[] = [];
  for (let k = 0; k < n; k++) {
    const sku = `K6-${Date.now()}-${k}`;
    const body = {
      sku,
      name: `k6 product ${sku}`,
      description: 'made by k6',
      categorySlug: slug,
      price: { amount: 1999, currency: 'USD' },
      stock: 10_000_000,
    };
    const res = http.post(`${GATEWAY}/products`, JSON.stringify(body), { headers: jsonHeaders(300_000, token) });
    expectStatus(res, 201, 'create product');
    ids.push(field(res, 'id'));
  }
  return ids;
}
