import { type AppError } from '@shop/kit';
import { placeOrder, requestHash, type CartLine } from '../../src/domain/checkout';

const line = (over: Partial<CartLine> = {}): CartLine => ({
  productId: '11111111-1111-4111-8111-111111111111',
  sku: 'SKU-1',
  name: 'Lamp',
  quantity: 2,
  unitPrice: { amount: 1500, currency: 'USD' },
  current: { unitPrice: { amount: 1500, currency: 'USD' }, available: 5 },
  priceChanged: false,
  ...over,
});
const method = { token: 'pm_aaaaaaaaaaaaaaaaaaaaaaaa', brand: 'visa', last4: '4242' };
const body = { paymentMethod: method.token, shippingAddress: { name: 'A', line1: '1 Main', city: 'X', postalCode: '1', country: 'US' } };

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return undefined;
};

describe('checkout rules', () => {
  it('when the cart is valid, then the order totals its lines in minor units', () => {
    const change = placeOrder(
      [
        line(),
        line({
          productId: '33333333-3333-4333-8333-333333333333',
          sku: 'SKU-2',
          quantity: 1,
          unitPrice: { amount: 999, currency: 'USD' },
          current: { unitPrice: { amount: 999, currency: 'USD' }, available: 1 },
        }),
      ],
      method,
      body,
    );
    expect(change.type).toBe('order.placed.v1');
    expect(change.data).toMatchObject({ total: { amount: 3999, currency: 'USD' }, paymentMethod: method });
  });

  it('when the cart is empty, a price changed, or the catalog could not be asked, then checkout is refused', () => {
    expect(codeOf(() => placeOrder([], method, body))).toBe('cart-empty');
    expect(codeOf(() => placeOrder([line({ priceChanged: true })], method, body))).toBe('cart-prices-changed');
    expect(
      codeOf(() => placeOrder([line({ current: { unitPrice: { amount: 1600, currency: 'USD' }, available: 5 } })], method, body)),
    ).toBe('cart-prices-changed');
    expect(codeOf(() => placeOrder([line({ current: null })], method, body))).toBe('catalog-unavailable');
  });

  it('when two requests differ only in key order, then their hashes match; different content differs', () => {
    const reordered = {
      shippingAddress: { country: 'US', postalCode: '1', city: 'X', line1: '1 Main', name: 'A' },
      paymentMethod: method.token,
    };
    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash({ ...body, paymentMethod: 'pm_bbbbbbbbbbbbbbbbbbbbbbbb' })).not.toBe(requestHash(body));
  });
});
