import { ConflictError, ValidationError } from '@shop/kit';
import {
  InsufficientStockError,
  MAX_LINES,
  cartView,
  clearCart,
  emptyCart,
  lineView,
  removeItem,
  setQuantity,
  subtotal,
  type Cart,
  type CartLine,
} from '../../src/domain/cart';
import { product } from '../fakes/in-memory';

const now = new Date('2026-03-01T12:00:00.000Z');
const later = new Date('2026-03-01T12:05:00.000Z');
const A = product({ productId: 'aaaaaaaa-0000-4000-8000-000000000001', unitPrice: { amount: 1_999, currency: 'USD' }, available: 5 });
const B = product({ productId: 'bbbbbbbb-0000-4000-8000-000000000002', unitPrice: { amount: 250, currency: 'USD' }, available: 100 });
const line = (p: typeof A, quantity: number): CartLine => ({
  productId: p.productId,
  sku: p.sku,
  name: p.name,
  quantity,
  unitPrice: p.unitPrice,
});

describe('setQuantity', () => {
  it('when a product is added to an empty cart, then it is one line with a snapshot of the price and the time', () => {
    const cart = setQuantity(emptyCart(), A, 2, now);
    expect(cart).toEqual({ items: [line(A, 2)], updatedAt: now.toISOString() });
  });

  it('when the product is already in the cart, then its quantity is replaced (not added) and the price snapshot renewed', () => {
    const first = setQuantity(setQuantity(emptyCart(), A, 2, now), B, 1, now);
    const repriced = { ...A, unitPrice: { amount: 2_499, currency: 'USD' } };
    const cart = setQuantity(first, repriced, 3, later);
    expect(cart.items).toEqual([line(repriced, 3), line(B, 1)]);
    expect(cart.updatedAt).toBe(later.toISOString());
  });

  it('when the cart is changed, then the cart given is left as it was', () => {
    const before = setQuantity(emptyCart(), A, 1, now);
    const snapshot = structuredClone(before);
    setQuantity(before, B, 1, later);
    expect(before).toEqual(snapshot);
  });

  it('when the quantity equals the available stock, then it is accepted; one more is insufficient-stock naming the count', () => {
    expect(setQuantity(emptyCart(), A, 5, now).items[0]!.quantity).toBe(5);
    const act = () => setQuantity(emptyCart(), A, 6, now);
    expect(act).toThrow(InsufficientStockError);
    expect(act).toThrow(expect.objectContaining({ status: 409, code: 'insufficient-stock', detail: expect.stringContaining('5') }));
  });

  it.each([0, 100, 1.5, -1])('when the quantity is %p, then it is a ValidationError', (quantity) => {
    expect(() => setQuantity(emptyCart(), B, quantity, now)).toThrow(ValidationError);
  });

  it('when the product is priced in another currency than the cart, then currency-mismatch', () => {
    const euro = product({ productId: 'cccccccc-0000-4000-8000-000000000003', unitPrice: { amount: 100, currency: 'EUR' } });
    const act = () => setQuantity(setQuantity(emptyCart(), A, 1, now), euro, 1, now);
    expect(act).toThrow(expect.objectContaining({ status: 409, code: 'currency-mismatch' }));
  });

  it('when the only line changes currency, then it is accepted (no other line to disagree with)', () => {
    const euroA = { ...A, unitPrice: { amount: 1_800, currency: 'EUR' } };
    expect(setQuantity(setQuantity(emptyCart(), A, 1, now), euroA, 1, now).items[0]!.unitPrice.currency).toBe('EUR');
  });

  it('when the cart already holds MAX_LINES products, then a new one is cart-full but an existing one can still change', () => {
    let cart: Cart = emptyCart();
    const ids = Array.from({ length: MAX_LINES }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of ids) cart = setQuantity(cart, product({ productId: id }), 1, now);
    const act = () => setQuantity(cart, A, 1, now);
    expect(act).toThrow(ConflictError);
    expect(act).toThrow(expect.objectContaining({ code: 'cart-full' }));
    expect(setQuantity(cart, product({ productId: ids[0]! }), 2, now).items).toHaveLength(MAX_LINES);
  });
});

describe('removeItem and clearCart', () => {
  const cart = setQuantity(setQuantity(emptyCart(), A, 1, now), B, 2, now);

  it('when a product in the cart is removed, then only its line goes', () => {
    expect(removeItem(cart, A.productId, later)).toEqual({ items: [line(B, 2)], updatedAt: later.toISOString() });
  });

  it('when a product not in the cart is removed, then the very same cart comes back (nothing to write)', () => {
    expect(removeItem(cart, 'dddddddd-0000-4000-8000-000000000004', later)).toBe(cart);
  });

  it('when a cart with lines is cleared, then it is empty; an empty cart is returned as is', () => {
    expect(clearCart(cart, later)).toEqual({ items: [], updatedAt: later.toISOString() });
    const empty = emptyCart();
    expect(clearCart(empty, later)).toBe(empty);
  });
});

describe('subtotal', () => {
  it('when lines are summed, then it is price times quantity in minor units', () => {
    expect(subtotal([line(A, 3), line(B, 2)])).toEqual({ amount: 1_999 * 3 + 250 * 2, currency: 'USD' });
  });

  it('when the cart is empty, then it is zero USD', () => {
    expect(subtotal([])).toEqual({ amount: 0, currency: 'USD' });
  });

  it('when stored lines mix currencies, then it refuses to add them up', () => {
    expect(() => subtotal([line(A, 1), { ...line(B, 1), unitPrice: { amount: 1, currency: 'EUR' } }])).toThrow(/mixes currencies/);
  });
});

describe('lineView and cartView', () => {
  it('when the catalog price differs from the snapshot, then priceChanged and the snapshot is kept', () => {
    const view = lineView(line(A, 1), { ...A, unitPrice: { amount: 2_100, currency: 'USD' } });
    expect(view).toMatchObject({
      unitPrice: { amount: 1_999 },
      current: { unitPrice: { amount: 2_100, currency: 'USD' } },
      priceChanged: true,
    });
  });

  it('when the price is the same and stock suffices, then no flag is raised', () => {
    expect(lineView(line(A, 5), A)).toMatchObject({
      current: { unitPrice: A.unitPrice, available: 5 },
      priceChanged: false,
      insufficientStock: false,
    });
  });

  it('when the quantity exceeds what is available now, then insufficientStock', () => {
    expect(lineView(line(A, 4), { ...A, available: 3 }).insufficientStock).toBe(true);
  });

  it('when there is no current data, then current is null and both flags are false', () => {
    expect(lineView(line(A, 99), undefined)).toEqual({ ...line(A, 99), current: null, priceChanged: false, insufficientStock: false });
  });

  it('when a cart is shown, then the subtotal uses the snapshots and itemCount counts units', () => {
    const cart = setQuantity(setQuantity(emptyCart(), A, 2, now), B, 3, now);
    const view = cartView(cart, new Map([[A.productId, { ...A, unitPrice: { amount: 1, currency: 'USD' } }]]));
    expect(view.subtotal).toEqual({ amount: 1_999 * 2 + 250 * 3, currency: 'USD' });
    expect(view.itemCount).toBe(5);
    expect(view.updatedAt).toBe(now.toISOString());
    expect(view.items.map((i) => i.current?.unitPrice.amount ?? null)).toEqual([1, null]);
  });

  it('when the cart is empty (never written or emptied), then it has the empty shape with updatedAt null', () => {
    const expected = { items: [], subtotal: { amount: 0, currency: 'USD' }, itemCount: 0, updatedAt: null };
    expect(cartView(emptyCart(), new Map())).toEqual(expected);
    expect(cartView({ items: [], updatedAt: later.toISOString() }, new Map())).toEqual(expected);
  });
});
