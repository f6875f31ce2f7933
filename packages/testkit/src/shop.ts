// The whole shop, as end-to-end tests and the benchmark start it: every service of dapr/run.yaml behind
// its real sidecar, the app-less ingress sidecar, and a temporary PostgreSQL database per service that
// has one. Ready means ready for clients: the gateway can already check tokens.
import type { Subscribers } from './admit-subscribers';
import { Stack, type AppSpec } from './stack';
import { createTempDatabase } from './postgres';

export const SHOP_APPS = ['gateway', 'users', 'catalog', 'cart', 'orders', 'payments'] as const;

export interface ShopOptions {
  /** Prefix of the temporary databases' names (`<prefix>_catalog`, …). */
  dbPrefix: string;
  /** Extra environment of one app, over what the run file sets. */
  env?: (appId: (typeof SHOP_APPS)[number]) => Record<string, string>;
  /** Component folders instead of the run file's. */
  resourcesPaths?: string[];
  /** Apps of the test's own besides the shop's (e.g. an event observer it serves), and the topics each subscribes to. */
  extraApps?: AppSpec[];
  subscribers?: Subscribers;
}

export interface RunningShop {
  stack: Stack;
  /** PostgreSQL URLs of the services' temporary databases. */
  databaseUrls: { catalog: string; users: string; orders: string };
  /** Stops every process, then drops the databases. */
  stop(): Promise<void>;
}

export async function startShop(options: ShopOptions): Promise<RunningShop> {
  const dbs = await Promise.all(['catalog', 'users', 'orders'].map((n) => createTempDatabase(`${options.dbPrefix}_${n}`)));
  const [catalog, users, orders] = dbs.map((d) => d.url) as [string, string, string];
  const drop = () => Promise.all(dbs.map((d) => d.drop()));
  let stack: Stack | undefined;
  try {
    stack = await Stack.start({
      apps: [...SHOP_APPS.map((appId) => ({ appId, env: options.env?.(appId) ?? {} })), { appId: 'ingress' }, ...(options.extraApps ?? [])],
      secrets: { 'catalog-db-url': catalog, 'users-db-url': users, 'orders-db-url': orders },
      ...(options.resourcesPaths ? { resourcesPaths: options.resourcesPaths } : {}),
      ...(options.subscribers ? { subscribers: options.subscribers } : {}),
    });
    await untilTokensVerifiable(stack);
    await untilIngressServes(stack);
  } catch (e) {
    await stack?.stop();
    await drop();
    throw e;
  }
  const running = stack;
  return {
    stack: running,
    databaseUrls: { catalog, users, orders },
    stop: async () => {
      await running.stop();
      await drop();
    },
  };
}

/**
 * The gateway fetches the token-signing keys from users in the background after start-up; until it has
 * them a token cannot be checked (503). A malformed token answers 401 only once it can.
 */
async function untilTokensVerifiable(stack: Stack): Promise<void> {
  const end = Date.now() + 30_000;
  const junk = 'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vbmUifQ.e30.c2ln';
  const url = `${stack.get('gateway').appUrl}/api/v1/me`;
  const status = async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${junk}` } });
    await res.arrayBuffer();
    return res.status;
  };
  while ((await status()) !== 401) {
    if (Date.now() > end) throw new Error('the gateway never got the signing keys from users');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Ready for clients through the ingress too: its first invocation of the gateway waits for name
 * resolution and an mTLS connection between the two sidecars, and answered 500 once when it came first.
 */
async function untilIngressServes(stack: Stack): Promise<void> {
  const end = Date.now() + 30_000;
  const url = stack.invokeUrl('ingress', 'gateway', 'api/v1/categories');
  const status = async () => {
    const res = await fetch(url).catch(() => undefined);
    await res?.arrayBuffer();
    return res?.status;
  };
  while ((await status()) !== 200) {
    if (Date.now() > end) throw new Error('the ingress never served the public API');
    await new Promise((r) => setTimeout(r, 100));
  }
}
