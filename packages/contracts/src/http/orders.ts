// The orders service's HTTP contract. Requests: the schemas its routes validate with. Answers: documented
// in the gateway's OpenAPI, not enforced.
import { address, paymentMethodRef, uuid } from '../common';
import { idParams, moneyView } from './common';

export { idParams };

/** Printable ASCII, as the IETF Idempotency-Key draft expects of a key; bounded. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export const checkoutBody = {
  type: 'object',
  additionalProperties: false,
  properties: { paymentMethod: paymentMethodRef.properties.token, shippingAddress: address },
  required: ['paymentMethod', 'shippingAddress'],
} as const;

export const orderListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
    customerId: uuid,
  },
  required: ['limit'],
} as const;

/** The read-model rebuild: `prune` (explicitly true) deletes the history of orders whose stream is missing. */
export const rebuildBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prune: {
      type: 'boolean',
      default: false,
      description: 'Also delete the history of orders whose event stream is missing (they are kept otherwise)',
    },
  },
} as const;

// Answers.

export const checkoutAccepted = {
  type: 'object',
  properties: { orderId: uuid, status: { type: 'string' } },
  required: ['orderId', 'status'],
} as const;

const orderSummary = {
  type: 'object',
  properties: {
    id: uuid,
    status: { type: 'string' },
    total: moneyView,
    itemCount: { type: 'integer' },
    placedAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'status', 'total'],
} as const;

export const orderPage = {
  type: 'object',
  properties: { items: { type: 'array', items: orderSummary }, nextCursor: { type: ['string', 'null'] } },
  required: ['items'],
} as const;

export const order = {
  type: 'object',
  properties: {
    ...orderSummary.properties,
    lines: { type: 'array' },
    shippingAddress: { type: 'object' },
    payment: { type: 'object' },
    cancelReason: { type: ['string', 'null'] },
    trackingNumber: { type: ['string', 'null'] },
    timeline: {
      type: 'array',
      items: { type: 'object', properties: { version: { type: 'integer' }, type: { type: 'string' }, at: { type: 'string' } } },
    },
  },
  required: ['id', 'status', 'total', 'timeline'],
} as const;

const rebuildResult = {
  type: 'object',
  properties: {
    rebuilt: { type: 'integer', description: 'Orders replayed from their event streams' },
    events: { type: 'integer', description: 'Events replayed' },
    kept: { type: 'integer', description: 'Orders left as they were: their stream is missing, prune was not asked' },
    pruned: { type: 'integer', description: 'Orders whose history was deleted: their stream is missing, prune was asked' },
  },
  required: ['rebuilt', 'events', 'kept', 'pruned'],
} as const;

/** Where the rebuild stands (it runs in the background): idle, running, succeeded with its result, or failed. */
export const rebuildStatus = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['idle', 'running', 'succeeded', 'failed'] },
    prune: { type: 'boolean' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    result: rebuildResult,
    error: { type: 'string', description: 'Why it failed' },
  },
  required: ['state'],
} as const;
