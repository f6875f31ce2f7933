import { address, paymentMethodRef } from '@shop/contracts';

export const checkoutBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { paymentMethod: paymentMethodRef.properties.token, shippingAddress: address },
  required: ['paymentMethod', 'shippingAddress'],
} as const;

export const orderListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
    customerId: { type: 'string', format: 'uuid' },
  },
  required: ['limit'],
} as const;

export const orderIdSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

/** The read-model rebuild: `prune` (explicitly true) deletes the history of orders whose stream is missing. */
export const rebuildBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { prune: { type: 'boolean', default: false } },
} as const;

/** Printable ASCII, as the IETF Idempotency-Key draft expects of a key; bounded. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
