// The whole shop for the benchmark, started by the testkit's startShop as the end-to-end tests start it,
// with two differences that matter for figures: apps log at `info` as in dapr/run.yaml (the Stack
// defaults test apps to `debug`, a log line per step), and NODE_ENV is `production`.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { SHOP_APPS, devSecrets, retryWhileOverloaded, startShop, type RunningShop, type Stack } from '@shop/testkit';
import { clientAddress } from './cannon';
import type { Watched } from './procstat';

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

  private constructor(private readonly running: RunningShop) {}

  get stack(): Stack {
    return this.running.stack;
  }

  get ordersDbUrl(): string {
    return this.running.databaseUrls.orders;
  }

  static async start(options: StartOptions = {}): Promise<BenchShop> {
    const { resourcesPaths, profile = [], profileDir = '.' } = options;
    // Nothing is in flight when the bench stops the shop: a short drain, so that every app exits on its own
    // (and a profiled one writes its profile) well before the Stack's SIGKILL after 10 s.
    const base = { LOG_LEVEL: 'info', NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '1000' };
    const preload = path.join(__dirname, 'cpu-profile.js');
    const profiled = { ...base, NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_PROFILE_DIR: profileDir };
    // Limits far above what the benchmark sends: the limiter still counts every request (that cost is part
    // of the gateway path), it just never refuses.
    const unlimited = { RATE_LIMIT_AUTH: '1000000000', RATE_LIMIT_READ: '1000000000', RATE_LIMIT_WRITE: '1000000000' };
    const env = (app: string) => ({
      ...(profile.includes(app) ? profiled : base),
      // The bench stands as one trusted proxy in front of the gateway port: each connection a client of its own.
      ...(app === 'gateway' ? { DIRECT_PROXY_HOPS: '1', ...unlimited } : {}),
    });
    return new BenchShop(await startShop({ dbPrefix: 'bench', env, ...(resourcesPaths ? { resourcesPaths } : {}) }));
  }

  stop(): Promise<void> {
    return this.running.stop();
  }

  /** Every app and sidecar process, for the CPU and memory figures. */
  processes(): Watched[] {
    return [...SHOP_APPS, 'ingress'].flatMap((name) => {
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
    const login = retryWhileOverloaded(() => this.call('/auth/login', { method: 'POST', body }));
    return ((await this.expect(200, login, 'admin login')) as { accessToken: string }).accessToken;
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

  /**
   * `n` signed-in customers with a saved card, `parallel` at a time (each costs two scrypt hashes); a sign-up
   * or sign-in users refuses as overloaded (503, Retry-After) is sent again when it asks.
   */
  async customers(n: number, parallel = 4): Promise<Customer[]> {
    const out: Customer[] = [];
    const one = async (): Promise<Customer> => {
      const email = `bench-${randomUUID()}@example.com`;
      const register = () => this.call('/auth/register', { method: 'POST', body: { email, password: PASSWORD, name: 'Bench' } });
      await this.expect(201, retryWhileOverloaded(register), 'register');
      const signIn = () => this.call('/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
      const login = await this.expect(200, retryWhileOverloaded(signIn), 'login');
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
