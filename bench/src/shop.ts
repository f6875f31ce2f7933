// The whole shop for the benchmark, started the way test/e2e/support/shop.ts starts it (every app of
// dapr/run.yaml behind its real sidecar, temporary PostgreSQL databases, a Redis database of its own),
// with two differences that matter for figures: apps log at `info` as in dapr/run.yaml (the Stack
// defaults test apps to `debug`, a log line per step), and NODE_ENV is `production`.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Stack, createTempDatabase, devSecrets, type TempDatabase } from '@shop/testkit';
import { clientAddress } from './cannon';
import type { Watched } from './procstat';

export const APPS = ['gateway', 'users', 'catalog', 'cart', 'orders', 'payments'] as const;
export const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const PASSWORD = 'a long enough passphrase';

export interface Customer {
  token: string;
  paymentMethod: string;
}

export interface StartOptions {
  /** Component folders instead of the run file's (e.g. a tuned copy of components/redis). */
  resourcesPaths?: string[];
  /** Apps to CPU-profile (cpu-profile.ts); each writes a .cpuprofile into profileDir when it stops. */
  profile?: string[];
  profileDir?: string;
}

export interface Reply {
  status: number;
  /** The parsed JSON of whatever route was called. */
  body: unknown;
}

export class BenchShop {
  private clients = 0;

  private constructor(
    readonly stack: Stack,
    private readonly dbs: TempDatabase[],
    readonly ordersDbUrl: string,
  ) {}

  static async start(options: StartOptions = {}): Promise<BenchShop> {
    // Free ports are picked before the sidecars bind them, seconds later on a busy machine; another run on
    // the same machine can take one in between (daprd then exits: "address already in use"). Try again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await BenchShop.startOnce(options);
      } catch (e) {
        if (attempt >= 3 || !/exited before it was ready/.test(String(e))) throw e;
        process.stderr.write(`[bench] the shop did not start (${String(e)}); trying again\n`);
      }
    }
  }

  private static async startOnce(options: StartOptions): Promise<BenchShop> {
    const { resourcesPaths, profile = [], profileDir = '.' } = options;
    const dbs = await Promise.all(['bench_catalog', 'bench_users', 'bench_orders'].map((n) => createTempDatabase(n)));
    const [catalog, users, orders] = dbs.map((d) => d.url) as [string, string, string];
    // Nothing is in flight when the bench stops the shop: a short drain, so that every app exits on its own
    // (and a profiled one writes its profile) well before the Stack's SIGKILL after 10 s.
    const base = { LOG_LEVEL: 'info', NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '1000' };
    const preload = path.join(__dirname, 'cpu-profile.js');
    const profiled = { ...base, NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_PROFILE_DIR: profileDir };
    const envOf = (app: string) => (profile.includes(app) ? profiled : base);
    // Limits far above what the benchmark sends: the limiter still reads and writes its counters on every
    // request (that cost is part of the gateway path), it just never refuses.
    const unlimited = { RATE_LIMIT_AUTH: '1000000000', RATE_LIMIT_READ: '1000000000', RATE_LIMIT_WRITE: '1000000000' };
    let stack: Stack | undefined;
    try {
      stack = await Stack.start({
        apps: [
          { appId: 'gateway', env: { ...envOf('gateway'), TRUST_PROXY: 'true', ...unlimited } },
          ...APPS.slice(1).map((appId) => ({ appId, env: envOf(appId) })),
          // The app-less ingress sidecar is part of the shop too (idle here: nothing is sent through it).
          { appId: 'ingress' },
        ],
        secrets: { 'catalog-db-url': catalog, 'users-db-url': users, 'orders-db-url': orders },
        ...(resourcesPaths ? { resourcesPaths } : {}),
      });
      const shop = new BenchShop(stack, dbs, orders);
      await shop.untilTokensVerifiable();
      return shop;
    } catch (e) {
      await stack?.stop();
      await Promise.all(dbs.map((d) => d.drop()));
      throw e;
    }
  }

  /** The gateway fetches the signing keys in the background after start-up; until then tokens get 503. */
  private async untilTokensVerifiable(): Promise<void> {
    const end = Date.now() + 30_000;
    const junk = 'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vbmUifQ.e30.c2ln';
    while ((await this.call('/me', { token: junk })).status !== 401) {
      if (Date.now() > end) throw new Error('the gateway never got the signing keys from users');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.stack.stop();
    await Promise.all(this.dbs.map((d) => d.drop()));
  }

  /** Every app and sidecar process, for the CPU and memory figures. */
  processes(): Watched[] {
    return [...APPS, 'ingress'].flatMap((name) => {
      const a = this.stack.get(name);
      const out: Watched[] = [{ name: `${name}-daprd`, kind: 'sidecar', pids: [a.sidecar.pid!] }];
      if (a.app) out.unshift({ name, kind: 'app', pids: [a.app.pid!] });
      return out;
    });
  }

  gatewayUrl(path: string): string {
    return `${this.stack.get('gateway').appUrl}/api/v1${path}`;
  }

  async call(
    path: string,
    options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const res = await fetch(this.gatewayUrl(path), {
      method: options.method ?? 'GET',
      headers: {
        // Set-up traffic comes from addresses of its own, apart from the scenarios' clients.
        'x-forwarded-for': clientAddress(100_000 + this.clients++),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  private async expect(status: number, reply: Promise<Reply>, what: string): Promise<unknown> {
    const r = await reply;
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async admin(): Promise<string> {
    const s = devSecrets();
    const body = { email: s['admin-email'], password: s['admin-password'] };
    return ((await this.expect(200, this.call('/auth/login', { method: 'POST', body }), 'admin login')) as { accessToken: string })
      .accessToken;
  }

  /** A new product with `stock` units, so the write scenarios never run out. */
  async product(adminToken: string, stock: number): Promise<string> {
    const tree = (await this.expect(200, this.call('/categories'), 'categories')) as {
      items: Array<{ children: Array<{ slug: string }> }>;
    };
    const sku = `BENCH-${randomUUID().slice(0, 8)}`;
    const body = {
      sku,
      name: `Bench product ${sku}`,
      description: 'made by the benchmark',
      categorySlug: tree.items[0]!.children[0]!.slug,
      price: { amount: 1999, currency: 'USD' },
      stock,
    };
    return (
      (await this.expect(201, this.call('/products', { method: 'POST', token: adminToken, body }), 'create product')) as { id: string }
    ).id;
  }

  /** `n` signed-in customers with a saved card, `parallel` at a time (each costs two scrypt hashes). */
  async customers(n: number, parallel = 4): Promise<Customer[]> {
    const out: Customer[] = [];
    const one = async (): Promise<Customer> => {
      const email = `bench-${randomUUID()}@example.com`;
      await this.expect(
        201,
        this.call('/auth/register', { method: 'POST', body: { email, password: PASSWORD, name: 'Bench' } }),
        'register',
      );
      const login = await this.expect(200, this.call('/auth/login', { method: 'POST', body: { email, password: PASSWORD } }), 'login');
      const token = (login as { accessToken: string }).accessToken;
      const card = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' };
      const pm = await this.expect(201, this.call('/payment-methods', { method: 'POST', token, body: card }), 'payment method');
      return { token, paymentMethod: (pm as { token: string }).token };
    };
    let next = 0;
    const workers = Array.from({ length: parallel }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await one();
    });
    await Promise.all(workers);
    return out;
  }
}
