// Scenarios 1-3: the bare-Koa ceiling, one product read by four paths (at a fixed rate for the latency
// Dapr adds, then at full speed), and filtered search through the gateway.
import type autocannon from 'autocannon';
import { clientAddress } from '../cannon';
import { httpGet } from '../paced';
import { atMax, atRateInterleaved, type BenchContext, type ScenarioResult } from '../scenario';
import type { BenchShop } from '../shop';
import { ErrorSamples } from '../stats';

export const READ_CONNECTIONS = 32;

export function ceiling(ctx: BenchContext, helloUrl: string): Promise<ScenarioResult> {
  return atMax(ctx, 'ceiling', 'bare Koa hello-world', { url: helloUrl, connections: READ_CONNECTIONS });
}

interface ReadPath {
  key: 'direct' | 'sidecar' | 'two-sidecars' | 'gateway';
  title: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * The four ways to one product: the app itself (with the token its sidecar would send), through the
 * catalog's own sidecar, through the gateway's sidecar (two sidecars: the hop pair the gateway uses), and
 * the public API (gateway app + its rate-limit counters + the same two sidecars).
 */
export function readPaths(shop: BenchShop, productId: string): ReadPath[] {
  const catalog = shop.stack.get('catalog');
  return [
    {
      key: 'direct',
      title: 'direct to the catalog app',
      url: `${catalog.appUrl}/products/${productId}`,
      headers: { 'dapr-api-token': catalog.appApiToken },
    },
    {
      key: 'sidecar',
      title: 'through one sidecar',
      url: shop.stack.invokeUrl('catalog', 'catalog', `products/${productId}`),
      headers: shop.stack.daprHeaders('catalog'),
    },
    {
      key: 'two-sidecars',
      title: 'through two sidecars',
      url: shop.stack.invokeUrl('gateway', 'catalog', `products/${productId}`),
      headers: shop.stack.daprHeaders('gateway'),
    },
    { key: 'gateway', title: 'through the gateway', url: shop.gatewayUrl(`/products/${productId}`), headers: {} },
  ];
}

export async function catalogReadFixed(ctx: BenchContext, shop: BenchShop, productId: string, rate: number): Promise<ScenarioResult[]> {
  const gets = readPaths(shop, productId)
    .filter((p) => ctx.want(`read-${p.key}@${rate}`))
    .map((p) => {
      const failures = new ErrorSamples();
      // A thousand client addresses in turn: the gateway's limiter keeps one counter per address.
      const get = httpGet(p.url, (i) => ({ ...p.headers, 'x-forwarded-for': clientAddress(i % 1000) }), failures);
      return { id: `read-${p.key}@${rate}`, title: `product read ${p.title}, ${rate}/s`, run: get.run, close: get.close, failures };
    });
  if (!gets.length) return [];
  try {
    return await atRateInterleaved(ctx, gets, rate);
  } finally {
    for (const g of gets) g.close();
  }
}

export async function catalogReadMax(ctx: BenchContext, shop: BenchShop, productId: string): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const p of readPaths(shop, productId)) {
    if (!ctx.want(`read-${p.key}@max`)) continue;
    out.push(
      await atMax(ctx, `read-${p.key}@max`, `product read ${p.title}, full speed`, {
        url: p.url,
        connections: READ_CONNECTIONS,
        headers: p.headers,
      }),
    );
  }
  return out;
}

/** Searches a shopper would run: full text, category subtree, price range, in stock, sorted, paged. */
export const SEARCHES = [
  '/products?q=headphones&inStock=true&sort=price_asc&limit=20',
  '/products?category=electronics&minPrice=5000&maxPrice=50000&sort=price_desc&limit=20',
  '/products?q=wireless&category=audio&inStock=true&limit=10',
  '/products?category=home&sort=newest&limit=20',
  '/products?q=running%20shoes&maxPrice=20000&sort=relevance&limit=20',
  '/products?category=books&inStock=true&sort=name_asc&limit=50',
];

export function search(ctx: BenchContext, shop: BenchShop): Promise<ScenarioResult> {
  const base = shop.gatewayUrl('');
  const requests = (c: number): autocannon.Request[] =>
    // Each connection starts at a different search, so all of them are in flight at any time.
    SEARCHES.map((_, i) => ({ method: 'GET', path: `/api/v1${SEARCHES[(i + c) % SEARCHES.length]!}` }));
  return atMax(ctx, 'search@max', 'product search with filters through the gateway, full speed', {
    url: base,
    connections: READ_CONNECTIONS,
    requestsFor: requests,
  });
}
