import { check } from '@shop/kit';
import { ORDER_EVENTS, OrderPlaced, PAYMENT_EVENTS, STOCK_EVENTS, StockRejected } from '../../src';

const orderId = '0b8e1f4e-7a1b-4c4e-9d1e-6d3f1a2b3c4d';
const customerId = '1c9f2a5e-8b2c-4d5f-8e2f-7e4a2b3c4d5e';

describe('event contracts', () => {
  it('when the catalog of events is listed, then every type is unique, versioned and on its owner topic', () => {
    const all = [...ORDER_EVENTS, ...STOCK_EVENTS, ...PAYMENT_EVENTS];
    expect(new Set(all.map((e) => e.type)).size).toBe(all.length);
    for (const e of all) {
      expect(e.type).toMatch(/^[a-z]+\.[a-z-]+\.v\d+$/);
      expect(e.type.startsWith({ orders: 'order.', stock: 'stock.', payments: 'payment.' }[e.topic]!)).toBe(true);
    }
  });

  it('when an order.placed.v1 is complete, then it passes; a card number anywhere is refused', () => {
    const data = {
      orderId,
      customerId,
      version: 1,
      occurredAt: '2026-11-30T10:00:00.000Z',
      lines: [{ productId: orderId, sku: 'SKU-1', name: 'Lamp', quantity: 2, unitPrice: { amount: 1999, currency: 'USD' } }],
      total: { amount: 3998, currency: 'USD' },
      paymentMethod: { token: 'pm_abcdefghijklmnop', brand: 'visa', last4: '4242' },
      shippingAddress: { name: 'A', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    };
    expect(check(OrderPlaced.schema, data, 'event')).toEqual([]);
    const withCard = { ...data, paymentMethod: { ...data.paymentMethod, cardNumber: '4242424242424242' } };
    expect(check(OrderPlaced.schema, withCard, 'event')).toEqual([{ field: 'event.paymentMethod.cardNumber', message: 'is not allowed' }]);
  });

  it('when a stock.rejected.v1 has an unknown reason, then it is refused', () => {
    expect(check(StockRejected.schema, { orderId, reason: 'meh', shortages: [] }, 'event')).toHaveLength(1);
  });
});
