// Turning a cart into an order: the rules a checkout must pass before anything is recorded.
import { createHash } from 'node:crypto';
import { AppError } from '@shop/kit';
import type { OrderChange, Placed } from './order';

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: { amount: number; currency: string };
  current: { unitPrice: { amount: number; currency: string }; available: number } | null;
  priceChanged: boolean;
}

export interface PaymentMethodView {
  token: string;
  brand: string;
  last4: string;
}

export interface CheckoutRequest {
  paymentMethod: string;
  shippingAddress: Placed['shippingAddress'];
}

/** Fingerprint of a checkout request, to tell an idempotent replay from a reuse of its key. */
export function requestHash(body: CheckoutRequest): string {
  const canonical = JSON.stringify(body, Object.keys(flatten(body)).sort());
  return createHash('sha256').update(canonical).digest('base64url');
}

function flatten(value: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out[k] = true;
      flatten(v, out);
    }
  }
  return out;
}

/**
 * The order.placed.v1 change for a cart: lines at the price the customer saw, which must still be the
 * catalog's price (otherwise the customer reviews the cart first), in one currency.
 */
export function placeOrder(lines: readonly CartLine[], method: PaymentMethodView, body: CheckoutRequest): OrderChange {
  if (lines.length === 0)
    throw new AppError({
      status: 409,
      code: 'cart-empty',
      title: 'The cart is empty',
      detail: 'Add items to the cart before checking out',
    });
  const stale = lines.filter((l) => l.current === null);
  if (stale.length) {
    throw new AppError({
      status: 503,
      code: 'catalog-unavailable',
      title: 'Prices cannot be confirmed right now',
      detail: 'Try again in a moment',
    });
  }
  const changed = lines.filter((l) => l.priceChanged || l.current!.unitPrice.amount !== l.unitPrice.amount);
  if (changed.length) {
    throw new AppError({
      status: 409,
      code: 'cart-prices-changed',
      title: 'Prices changed since items were added',
      detail: `Review the cart: the price of ${changed.map((l) => l.sku).join(', ')} changed`,
    });
  }
  const currencies = new Set(lines.map((l) => l.unitPrice.currency));
  if (currencies.size !== 1) throw new AppError({ status: 409, code: 'mixed-currencies', title: 'The cart mixes currencies' });
  const currency = lines[0]!.unitPrice.currency;
  const amount = lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0);
  return {
    type: 'order.placed.v1',
    data: {
      lines: lines.map((l) => ({ productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice })),
      total: { amount, currency },
      paymentMethod: { token: method.token, brand: method.brand, last4: method.last4 },
      shippingAddress: body.shippingAddress,
    },
  };
}
