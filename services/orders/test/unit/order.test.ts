import {
  cancelReasonFor,
  decideCancel,
  decideConfirm,
  decidePaymentAuthorized,
  decidePaymentFailed,
  decideShip,
  decideStockRejected,
  decideStockReserved,
  fold,
  stamp,
  type OrderChange,
  type OrderEvent,
  type OrderState,
} from '../../src/domain/order';

const orderId = '11111111-1111-4111-8111-111111111111';
const customerId = '22222222-2222-4222-8222-222222222222';
const placed: OrderChange = {
  type: 'order.placed.v1',
  data: {
    lines: [{ productId: orderId, sku: 'SKU-1', name: 'Lamp', quantity: 2, unitPrice: { amount: 1500, currency: 'USD' } }],
    total: { amount: 3000, currency: 'USD' },
    paymentMethod: { token: 'pm_aaaaaaaaaaaaaaaaaaaaaaaa', brand: 'visa', last4: '4242' },
    shippingAddress: { name: 'A', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  },
};

function stream(...changes: OrderChange[]): OrderEvent[] {
  return changes.map((c, i) => stamp(c, orderId, customerId, i + 1, new Date('2026-11-30T10:00:00Z')));
}

/** What catalog reserved for the order above: its one line. */
const held = [{ productId: orderId, quantity: 2 }];

const recorded = (d: ReturnType<typeof decideConfirm>) => ('record' in d ? d.record : undefined);
const state = (...changes: OrderChange[]): OrderState => fold(stream(placed, ...changes));

describe('order aggregate', () => {
  it('when the happy path is folded, then each step moves the status and the version', () => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    expect(reserved).toEqual({
      type: 'order.stock-reserved.v1',
      data: { total: { amount: 3000, currency: 'USD' }, paymentToken: 'pm_aaaaaaaaaaaaaaaaaaaaaaaa' },
    });
    const authorized = recorded(decidePaymentAuthorized(state(reserved), 'pay_1', { amount: 3000, currency: 'USD' }))!;
    const confirmed = recorded(decideConfirm(state(reserved, authorized)))!;
    expect(confirmed).toEqual({ type: 'order.confirmed.v1', data: { paymentId: 'pay_1', total: { amount: 3000, currency: 'USD' } } });
    const shipped = recorded(decideShip(state(reserved, authorized, confirmed), 'TRK1'))!;
    const final = state(reserved, authorized, confirmed, shipped);
    expect(final).toMatchObject({ status: 'shipped', version: 5, paymentId: 'pay_1', trackingNumber: 'TRK1' });
  });

  it('when a step is delivered twice, then the second is a no-op', () => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    expect(decideStockReserved(state(reserved), held)).toHaveProperty('noop');
    expect(decideStockRejected(state(reserved), 'out-of-stock')).toHaveProperty('noop');
  });

  it.each([
    ['another quantity', [{ productId: orderId, quantity: 1 }]],
    ['another product', [{ productId: customerId, quantity: 2 }]],
    ['an extra line', [...held, { productId: customerId, quantity: 1 }]],
  ])('when a reservation holds %s than the order asked for, then it is refused and nothing is recorded', (_what, lines) => {
    expect(decideStockReserved(state(), lines)).toHaveProperty('refuse');
  });

  it('when a reservation holds the same units split over two lines, then it is accepted', () => {
    const split = [
      { productId: orderId, quantity: 1 },
      { productId: orderId, quantity: 1 },
    ];
    expect(recorded(decideStockReserved(state(), split))).toMatchObject({ type: 'order.stock-reserved.v1' });
  });

  it.each([
    ['an amount of 0', { amount: 0, currency: 'USD' }],
    ['one minor unit less', { amount: 2999, currency: 'USD' }],
    ['more than the total', { amount: 3001, currency: 'USD' }],
    ['another currency', { amount: 3000, currency: 'EUR' }],
  ])('when a payment authorization is for %s, then it is refused, before or after the reservation', (_what, amount) => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    expect(decidePaymentAuthorized(state(), 'pay_1', amount)).toHaveProperty('refuse');
    expect(decidePaymentAuthorized(state(reserved), 'pay_1', amount)).toHaveProperty('refuse');
  });

  it('when a payment outcome arrives for a finished order, then it changes nothing', () => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    const cancelled = recorded(decideCancel(state(reserved), 'reservation-expired'))!;
    expect(decidePaymentAuthorized(state(reserved, cancelled), 'pay_1', { amount: 3000, currency: 'USD' })).toHaveProperty('noop');
    expect(decidePaymentAuthorized(state(reserved, cancelled), 'pay_1', { amount: 0, currency: 'USD' })).toHaveProperty('noop');
  });

  it('when payment news arrives before the reservation is recorded, then it is early (retry later)', () => {
    expect(decidePaymentAuthorized(state(), 'pay_1', { amount: 3000, currency: 'USD' })).toHaveProperty('early');
    expect(decidePaymentFailed(state(), 'card-declined')).toHaveProperty('early');
  });

  it.each([
    ['card-declined', 'payment-declined'],
    ['insufficient-funds', 'insufficient-funds'],
    ['invalid-payment-method', 'payment-failed'],
  ])('when payment failed with %s, then the order is cancelled with reason %s', (failure, reason) => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    const failed = recorded(decidePaymentFailed(state(reserved), failure))!;
    const s = state(reserved, failed);
    expect(cancelReasonFor(s)).toBe(reason);
    expect(recorded(decideCancel(s, cancelReasonFor(s)!))).toEqual({ type: 'order.cancelled.v1', data: { reason } });
  });

  it('when stock is rejected, then the cancel reason is out-of-stock', () => {
    const rejected = recorded(decideStockRejected(state(), 'out-of-stock'))!;
    expect(cancelReasonFor(state(rejected))).toBe('out-of-stock');
  });

  it('when a reservation expires after payment was authorized, then the cancellation carries the payment id to void', () => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    const authorized = recorded(decidePaymentAuthorized(state(reserved), 'pay_9', { amount: 3000, currency: 'USD' }))!;
    expect(recorded(decideCancel(state(reserved, authorized), 'reservation-expired'))).toEqual({
      type: 'order.cancelled.v1',
      data: { reason: 'reservation-expired', paymentId: 'pay_9' },
    });
  });

  it('when an order is confirmed, shipped or cancelled, then it cannot be cancelled; only a confirmed one ships', () => {
    const reserved = recorded(decideStockReserved(state(), held))!;
    const authorized = recorded(decidePaymentAuthorized(state(reserved), 'p', { amount: 3000, currency: 'USD' }))!;
    const confirmed = recorded(decideConfirm(state(reserved, authorized)))!;
    expect(decideCancel(state(reserved, authorized, confirmed), 'reservation-expired')).toHaveProperty('noop');
    expect(decideShip(state(reserved), 'T')).toHaveProperty('noop');
    const cancelled = recorded(decideCancel(state(reserved), 'reservation-expired'))!;
    expect(decideCancel(state(reserved, cancelled), 'reservation-expired')).toHaveProperty('noop');
    expect(decideConfirm(state(reserved, cancelled))).toHaveProperty('noop');
  });

  it('when a stream does not start with order.placed.v1, then folding fails', () => {
    expect(() => fold([])).toThrow(/starts with order.placed.v1/);
  });
});
