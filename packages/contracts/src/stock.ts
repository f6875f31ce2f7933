// Stock outcomes, published by catalog on topic `stock` in answer to order.placed.v1 (and when a
// reservation nobody settled expires).
import { timestamp, uuid } from './common';
import { dataSchema, defineEvent } from './define';

export const STOCK_TOPIC = 'stock';

const reservedLine = {
  type: 'object',
  additionalProperties: false,
  properties: { productId: uuid, quantity: { type: 'integer', minimum: 1 } },
  required: ['productId', 'quantity'],
} as const;

const shortage = {
  type: 'object',
  additionalProperties: false,
  properties: { productId: uuid, requested: { type: 'integer', minimum: 1 }, available: { type: 'integer', minimum: 0 } },
  required: ['productId', 'requested', 'available'],
} as const;

export const StockReserved = defineEvent(
  STOCK_TOPIC,
  'stock.reserved.v1',
  dataSchema({ orderId: uuid, lines: { type: 'array', minItems: 1, items: reservedLine }, expiresAt: timestamp }, [
    'orderId',
    'lines',
    'expiresAt',
  ]),
);

export const StockRejected = defineEvent(
  STOCK_TOPIC,
  'stock.rejected.v1',
  dataSchema(
    { orderId: uuid, reason: { type: 'string', enum: ['out-of-stock', 'unknown-product'] }, shortages: { type: 'array', items: shortage } },
    ['orderId', 'reason', 'shortages'],
  ),
);

/** A reservation was neither committed nor released in time; its stock is available again. */
export const StockReservationExpired = defineEvent(STOCK_TOPIC, 'stock.reservation-expired.v1', dataSchema({ orderId: uuid }, ['orderId']));

export const STOCK_EVENTS = [StockReserved, StockRejected, StockReservationExpired] as const;
