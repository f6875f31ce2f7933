// Events of the order aggregate, published by the orders service through the transactional outbox on
// topic `orders`. Each carries the aggregate version, so consumers can ignore what they have seen.
import { address, money, orderLine, paymentMethodRef, timestamp, uuid } from './common';
import { dataSchema, defineEvent } from './define';

export const ORDERS_TOPIC = 'orders';

const base = { orderId: uuid, customerId: uuid, version: { type: 'integer', minimum: 1 }, occurredAt: timestamp } as const;
const baseRequired = ['orderId', 'customerId', 'version', 'occurredAt'] as const;

export const CANCEL_REASONS = ['out-of-stock', 'payment-declined', 'insufficient-funds', 'payment-failed', 'reservation-expired'] as const;

export const OrderPlaced = defineEvent(
  ORDERS_TOPIC,
  'order.placed.v1',
  dataSchema(
    {
      ...base,
      lines: { type: 'array', minItems: 1, maxItems: 100, items: orderLine },
      total: money,
      paymentMethod: paymentMethodRef,
      shippingAddress: address,
    },
    [...baseRequired, 'lines', 'total', 'paymentMethod', 'shippingAddress'],
  ),
);

/** Stock is held for the order: payments authorizes the total against the payment-method token. */
export const OrderStockReserved = defineEvent(
  ORDERS_TOPIC,
  'order.stock-reserved.v1',
  dataSchema({ ...base, total: money, paymentToken: paymentMethodRef.properties.token }, [...baseRequired, 'total', 'paymentToken']),
);

export const OrderStockRejected = defineEvent(
  ORDERS_TOPIC,
  'order.stock-rejected.v1',
  dataSchema({ ...base, reason: { type: 'string', maxLength: 200 } }, [...baseRequired, 'reason']),
);

export const OrderPaymentAuthorized = defineEvent(
  ORDERS_TOPIC,
  'order.payment-authorized.v1',
  dataSchema({ ...base, paymentId: { type: 'string', minLength: 1, maxLength: 64 }, amount: money }, [
    ...baseRequired,
    'paymentId',
    'amount',
  ]),
);

export const OrderPaymentFailed = defineEvent(
  ORDERS_TOPIC,
  'order.payment-failed.v1',
  dataSchema({ ...base, reason: { type: 'string', maxLength: 200 } }, [...baseRequired, 'reason']),
);

export const OrderConfirmed = defineEvent(
  ORDERS_TOPIC,
  'order.confirmed.v1',
  dataSchema({ ...base, paymentId: { type: 'string', minLength: 1, maxLength: 64 }, total: money }, [
    ...baseRequired,
    'paymentId',
    'total',
  ]),
);

export const OrderCancelled = defineEvent(
  ORDERS_TOPIC,
  'order.cancelled.v1',
  dataSchema({ ...base, reason: { type: 'string', enum: CANCEL_REASONS }, paymentId: { type: 'string', maxLength: 64 } }, [
    ...baseRequired,
    'reason',
  ]),
);

export const OrderShipped = defineEvent(
  ORDERS_TOPIC,
  'order.shipped.v1',
  dataSchema({ ...base, trackingNumber: { type: 'string', minLength: 1, maxLength: 64 } }, [...baseRequired, 'trackingNumber']),
);

export const ORDER_EVENTS = [
  OrderPlaced,
  OrderStockReserved,
  OrderStockRejected,
  OrderPaymentAuthorized,
  OrderPaymentFailed,
  OrderConfirmed,
  OrderCancelled,
  OrderShipped,
] as const;
