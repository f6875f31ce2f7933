// Scenario 4: add-item through the gateway, each request an ETag-guarded write of one customer's cart
// (with the price snapshotted from catalog through the sidecars). Each connection takes turns between
// its own customers, so a cart is never written by two connections at once, and each cart holds three
// products: the PUT answers with the whole cart, fetching every other line's current price from catalog,
// so the cost of one add grows with the lines already in the cart.
import type autocannon from 'autocannon';
import { atMax, type BenchContext, type ScenarioResult } from '../scenario';
import type { BenchShop, Customer } from '../shop';

export const LINES_PER_CART = 3;

export function cartAdd(
  ctx: BenchContext,
  shop: BenchShop,
  customers: Customer[],
  products: string[],
  maxConnections: number,
): Promise<ScenarioResult> {
  const connections = Math.min(maxConnections, customers.length);
  const perConnection = Math.max(1, Math.floor(customers.length / connections));
  const requestsFor = (c: number): autocannon.Request[] =>
    Array.from({ length: perConnection * LINES_PER_CART }, (_, k) => {
      const customer = customers[c + connections * (k % perConnection)]!;
      const line = Math.floor(k / perConnection);
      return {
        method: 'PUT',
        path: `/api/v1/cart/items/${products[(c + line) % products.length]!}`,
        headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ quantity: (k % 3) + 1 }),
      };
    });
  return atMax(ctx, 'cart-add@max', `cart add-item through the gateway, ${customers.length} customers, full speed`, {
    url: shop.gatewayUrl(''),
    connections,
    requestsFor,
  });
}
