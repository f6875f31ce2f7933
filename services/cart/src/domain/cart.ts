// The cart's rules, as pure functions over plain data: what a line is, how a quantity is set or a line
// removed, what the subtotal is, and how a line compares with the catalog's current data. No Koa, no
// Dapr: the use cases load and save, the routes parse and answer.
import { cartHttp } from '@shop/contracts';
import { AppError, ConflictError, ValidationError } from '@shop/kit';

/** Money in integer minor units (cents) plus an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

/** One line as stored: the price is the snapshot taken when the quantity was last set. */
export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
}

/** One customer's cart as stored. `updatedAt` (ISO 8601, UTC) is null for a cart never written. */
export interface Cart {
  items: CartLine[];
  updatedAt: string | null;
}

/** What the cart needs to know about a product, as the catalog has it now. */
export interface ProductSnapshot {
  productId: string;
  sku: string;
  name: string;
  unitPrice: Money;
  available: number;
}

export interface LineView extends CartLine {
  /** The catalog's data now; null when it could not be fetched (the flags are then false). */
  current: { unitPrice: Money; available: number } | null;
  priceChanged: boolean;
  insufficientStock: boolean;
}

export interface CartView {
  items: LineView[];
  /** Of the snapshot prices: what the customer was shown and what checkout charges. */
  subtotal: Money;
  /** Units in the cart (the sum of the quantities), not the number of lines. */
  itemCount: number;
  updatedAt: string | null;
}

/** A line's quantity bounds, declared with the cart's HTTP contract that enforces them first. */
export const { MIN_QUANTITY, MAX_QUANTITY } = cartHttp;
/** Bounds the stored document and the one catalog look-up a GET /cart makes (the catalog takes 50 ids at most). */
export const MAX_LINES = 50;
/** The currency of an empty cart's zero subtotal. */
export const DEFAULT_CURRENCY = 'USD';

export class UnknownProductError extends AppError {
  constructor(productId: string) {
    super({ status: 404, code: 'unknown-product', title: 'Unknown product', detail: `product ${productId} does not exist` });
  }
}

export class InsufficientStockError extends ConflictError {
  constructor(
    readonly sku: string,
    readonly available: number,
  ) {
    super('insufficient-stock', `only ${available} of ${sku} available`);
  }
}

export const emptyCart = (): Cart => ({ items: [], updatedAt: null });

/**
 * Adds the product or replaces its quantity, with a fresh price snapshot. Refuses a quantity above the
 * available stock, a second currency (one cart, one subtotal) and a line beyond MAX_LINES.
 */
export function setQuantity(cart: Cart, product: ProductSnapshot, quantity: number, now: Date): Cart {
  if (!Number.isInteger(quantity) || quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) {
    throw new ValidationError([{ field: 'body.quantity', message: `must be an integer from ${MIN_QUANTITY} to ${MAX_QUANTITY}` }]);
  }
  if (quantity > product.available) throw new InsufficientStockError(product.sku, product.available);
  const others = cart.items.filter((l) => l.productId !== product.productId);
  const foreign = others.find((l) => l.unitPrice.currency !== product.unitPrice.currency);
  if (foreign) {
    throw new ConflictError(
      'currency-mismatch',
      `${product.sku} is priced in ${product.unitPrice.currency}, the cart in ${foreign.unitPrice.currency}`,
    );
  }
  const line: CartLine = {
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    quantity,
    unitPrice: { amount: product.unitPrice.amount, currency: product.unitPrice.currency },
  };
  const index = cart.items.findIndex((l) => l.productId === product.productId);
  if (index < 0 && cart.items.length >= MAX_LINES) {
    throw new ConflictError('cart-full', `a cart holds at most ${MAX_LINES} different products`);
  }
  // A replaced line keeps its place, so the cart does not reorder under the customer's eyes.
  const items = index < 0 ? [...cart.items, line] : cart.items.map((l, i) => (i === index ? line : l));
  return { items, updatedAt: now.toISOString() };
}

/** The cart without the product's line; the very same cart (nothing to write) when it had none. */
export function removeItem(cart: Cart, productId: string, now: Date): Cart {
  if (!cart.items.some((l) => l.productId === productId)) return cart;
  return { items: cart.items.filter((l) => l.productId !== productId), updatedAt: now.toISOString() };
}

/** The cart emptied; the very same cart (nothing to write) when it already was. */
export function clearCart(cart: Cart, now: Date): Cart {
  return cart.items.length === 0 ? cart : { items: [], updatedAt: now.toISOString() };
}

/** Sum of the snapshot prices times quantities, in minor units; every line must share one currency. */
export function subtotal(items: readonly CartLine[]): Money {
  const currency = items[0]?.unitPrice.currency ?? DEFAULT_CURRENCY;
  let amount = 0;
  for (const l of items) {
    // setQuantity never lets a second currency in; meeting one means the stored data is corrupt.
    if (l.unitPrice.currency !== currency) throw new Error(`cart mixes currencies ${currency} and ${l.unitPrice.currency}`);
    amount += l.unitPrice.amount * l.quantity;
  }
  return { amount, currency };
}

/** A line beside the catalog's current data; without that data the line is shown with no flags raised. */
export function lineView(line: CartLine, current: ProductSnapshot | undefined): LineView {
  if (!current) return { ...line, current: null, priceChanged: false, insufficientStock: false };
  return {
    ...line,
    current: { unitPrice: { ...current.unitPrice }, available: current.available },
    priceChanged: current.unitPrice.amount !== line.unitPrice.amount || current.unitPrice.currency !== line.unitPrice.currency,
    insufficientStock: line.quantity > current.available,
  };
}

/** The cart as the API shows it; `current` maps product ids to what the catalog answered (if it did). */
export function cartView(cart: Cart, current: ReadonlyMap<string, ProductSnapshot | undefined>): CartView {
  return {
    items: cart.items.map((l) => lineView(l, current.get(l.productId))),
    subtotal: subtotal(cart.items),
    itemCount: cart.items.reduce((n, l) => n + l.quantity, 0),
    // An emptied cart looks exactly like one never written (it is kept only to guard its version).
    updatedAt: cart.items.length === 0 ? null : cart.updatedAt,
  };
}
