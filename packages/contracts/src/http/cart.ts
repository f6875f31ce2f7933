// The cart's HTTP contract. Requests: the schemas its routes validate with. Answers: documented in the
// gateway's OpenAPI, not enforced.
import { uuid } from '../common';
import { moneyView } from './common';

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

export const productParams = {
  type: 'object',
  additionalProperties: false,
  properties: { productId: uuid },
  required: ['productId'],
} as const;

export const setQuantityBody = {
  type: 'object',
  additionalProperties: false,
  properties: { quantity: { type: 'integer', minimum: MIN_QUANTITY, maximum: MAX_QUANTITY } },
  required: ['quantity'],
} as const;

// Answers.

const cartLine = {
  type: 'object',
  properties: {
    productId: uuid,
    sku: { type: 'string' },
    name: { type: 'string' },
    quantity: { type: 'integer' },
    unitPrice: moneyView,
    current: { type: ['object', 'null'], properties: { unitPrice: moneyView, available: { type: 'integer' } } },
    priceChanged: { type: 'boolean' },
    insufficientStock: { type: 'boolean' },
  },
  required: ['productId', 'quantity', 'unitPrice'],
} as const;

export const cart = {
  type: 'object',
  properties: {
    items: { type: 'array', items: cartLine },
    subtotal: moneyView,
    itemCount: { type: 'integer' },
    updatedAt: { type: ['string', 'null'] },
  },
  required: ['items', 'subtotal'],
} as const;
