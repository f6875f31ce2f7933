// The JSON Schemas of the cart's requests: they validate, type the handlers, and document the API.
import { MAX_QUANTITY, MIN_QUANTITY } from '../domain/cart';

export const productParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { productId: { type: 'string', format: 'uuid' } },
  required: ['productId'],
} as const;

export const setQuantitySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { quantity: { type: 'integer', minimum: MIN_QUANTITY, maximum: MAX_QUANTITY } },
  required: ['quantity'],
} as const;
