// The whole shop for end-to-end tests (started by the testkit's startShop), called as a client would.
import { randomUUID } from 'node:crypto';
import { devSecrets, retryWhileOverloaded, startShop, type RunningShop, type Stack } from '@shop/testkit';
import { EventTap, type ObservedEvent } from './event-tap';

export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

export interface CallOptions {
  method?: string;
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  /** Through the gateway's own port (default) or through the ingress sidecar's invocation API. */
  via?: 'gateway' | 'ingress';
}

export const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
export const CARDS = { ok: '4242424242424242', declined: '4000000000000002', insufficient: '4000000000009995' };

export interface ShopOptions {
  /** Also start an EventTap: every event on the shop's topics is recorded, for `eventProblems()`. */
  observeEvents?: boolean;
}

export class Shop {
  private constructor(
    private readonly running: RunningShop,
    private readonly tap?: EventTap,
  ) {}

  get stack(): Stack {
    return this.running.stack;
  }

  /**
   * Starts everything. `gatewayEnv` tunes the gateway (e.g. rate limits) for one test file, `appEnv` any
   * other app (e.g. longer-lived tokens).
   */
  static async start(
    gatewayEnv: Record<string, string> = {},
    appEnv: Partial<Record<string, Record<string, string>>> = {},
    options: ShopOptions = {},
  ): Promise<Shop> {
    // Limits high enough for the tests' bursts from one address; the limiter itself is tested in
    // services/gateway/test/integration against real sidecars.
    const gateway = {
      // The tests stand as one trusted proxy in front of the gateway port: its X-Forwarded-For entry counts.
      DIRECT_PROXY_HOPS: '1',
      RATE_LIMIT_AUTH: '100000',
      RATE_LIMIT_READ: '100000',
      RATE_LIMIT_WRITE: '100000',
      ...gatewayEnv,
    };
    const tap = options.observeEvents ? await EventTap.start() : undefined;
    const running = await startShop({
      dbPrefix: 'e2e',
      env: (app) => (app === 'gateway' ? gateway : (appEnv[app] ?? {})),
      ...(tap
        ? { extraApps: [{ appId: EventTap.APP_ID, externalAppPort: tap.port }], subscribers: { [EventTap.APP_ID]: EventTap.TOPICS } }
        : {}),
    }).catch(async (e: unknown) => {
      await tap?.stop();
      throw e;
    });
    return new Shop(running, tap);
  }

  async stop(): Promise<void> {
    await this.running.stop();
    await this.tap?.stop();
  }

  /**
   * Each event the tap received whose data fails the JSON Schema of its CloudEvent type, as
   * `type (id): field message`; `except` leaves out events a test made invalid on purpose.
   */
  eventProblems(except?: (e: ObservedEvent) => boolean): string[] {
    if (!this.tap) throw new Error('start the shop with { observeEvents: true } to check its events');
    return this.tap.problems(except);
  }

  /** The CloudEvent types the tap received, each once. */
  observedTypes(): string[] {
    return [...new Set((this.tap?.received ?? []).map((e) => String(e.type)))].sort();
  }

  url(path: string, via: 'gateway' | 'ingress' = 'gateway'): string {
    const p = `/api/v1${path}`;
    return via === 'gateway' ? `${this.stack.get('gateway').appUrl}${p}` : this.stack.invokeUrl('ingress', 'gateway', p);
  }

  async call(path: string, options: CallOptions = {}): Promise<Reply> {
    const res = await fetch(this.url(path, options.via), {
      method: options.method ?? 'GET',
      headers: {
        // Each call from its own client address (on the gateway port, its X-Forwarded-For entry counts here):
        // tests share one machine, and the per-client limiter is tested on its own in services/gateway/test/integration.
        'x-forwarded-for': `10.${rand()}.${rand()}.${rand()}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    let body: Json;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, headers: res.headers, body };
  }

  /**
   * A new customer, signed in: their token and id. Called in bursts, so it waits as a 503 with Retry-After
   * asks (users refuses what it cannot hash in time; how much that is depends on the machine).
   */
  async customer(via: 'gateway' | 'ingress' = 'gateway'): Promise<{ token: string; id: string; email: string }> {
    const email = `c-${randomUUID()}@example.com`;
    const client = { 'x-forwarded-for': `10.${rand()}.${rand()}.${rand()}` };
    const reg = await retryWhileOverloaded(() =>
      this.call('/auth/register', {
        method: 'POST',
        via,
        headers: client,
        body: { email, password: 'a long enough passphrase', name: 'Test Customer' },
      }),
    );
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
    const login = await retryWhileOverloaded(() =>
      this.call('/auth/login', {
        method: 'POST',
        via,
        headers: client,
        body: { email, password: 'a long enough passphrase' },
      }),
    );
    if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
    return { token: login.body.accessToken, id: reg.body.id, email };
  }

  /** The bootstrapped admin (dev secrets), signed in. */
  async admin(): Promise<string> {
    const s = devSecrets();
    const login = await retryWhileOverloaded(() =>
      this.call('/auth/login', { method: 'POST', body: { email: s['admin-email'], password: s['admin-password'] } }),
    );
    if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body.accessToken;
  }

  /** A fresh product with exactly `stock` units, created through the admin API. */
  async product(adminToken: string, stock: number, amount = 1999): Promise<{ id: string; sku: string }> {
    let categories = await this.call('/categories');
    // Right after start-up a sidecar may not have found its peer in name resolution yet (a 5xx).
    for (let attempt = 0; categories.status >= 500 && attempt < 10; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      categories = await this.call('/categories');
    }
    if (categories.status !== 200) throw new Error(`categories: ${categories.status} ${JSON.stringify(categories.body)}`);
    const slug = categories.body.items[0].children[0].slug as string;
    const sku = `E2E-${randomUUID().slice(0, 8)}`;
    const res = await this.call('/products', {
      method: 'POST',
      token: adminToken,
      body: {
        sku,
        name: `Test product ${sku}`,
        description: 'made by a test',
        categorySlug: slug,
        price: { amount, currency: 'USD' },
        stock,
      },
    });
    if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, sku };
  }

  async paymentMethod(token: string, card: string): Promise<string> {
    const res = await this.call('/payment-methods', {
      method: 'POST',
      token,
      body: { cardNumber: card, expMonth: 12, expYear: 2099, cvc: '123' },
    });
    if (res.status !== 201) throw new Error(`payment method: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  }

  /** Puts `quantity` of a product in the cart and checks out; returns the checkout reply. */
  async order(token: string, productId: string, quantity: number, paymentMethod: string, idempotencyKey = randomUUID()): Promise<Reply> {
    const put = await this.call(`/cart/items/${productId}`, { method: 'PUT', token, body: { quantity } });
    if (put.status !== 200) return put;
    return this.call('/orders', {
      method: 'POST',
      token,
      headers: { 'idempotency-key': idempotencyKey },
      body: { paymentMethod, shippingAddress: ADDRESS },
    });
  }

  /** Polls an order until `done(status)` holds; returns the order. */
  async until(token: string, orderId: string, done: (status: string) => boolean, ms = 30_000): Promise<Json> {
    const end = Date.now() + ms;
    for (;;) {
      const res = await this.call(`/orders/${orderId}`, { token });
      if (res.status === 200 && done(res.body.status)) return res.body;
      if (Date.now() > end) throw new Error(`order ${orderId}: ${res.status} ${JSON.stringify(res.body?.status ?? res.body)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async available(productId: string): Promise<number> {
    const res = await this.call(`/products/${productId}`);
    if (res.status !== 200) throw new Error(`product ${productId}: ${res.status}`);
    return res.body.stock.available;
  }
}

const rand = () => Math.floor(Math.random() * 250) + 1;
export const TERMINAL = (status: string) => status === 'shipped' || status === 'cancelled';
