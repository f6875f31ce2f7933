// The payments service's HTTP contract. Requests: the schemas its routes validate with; they check only
// shapes: the card rules (digits, Luhn, brand, expiry, CVC) are in the service's domain/card.ts, whose
// problems never quote the value. Answers: documented in the gateway's OpenAPI, not enforced.
import { paymentMethodRef, uuid } from '../common';

export const newPaymentMethodBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Room for a 19-digit number typed with spaces or dashes between groups.
    cardNumber: { type: 'string', minLength: 1, maxLength: 40 },
    expMonth: { type: 'integer', minimum: 1, maximum: 12 },
    expYear: { type: 'integer', minimum: 2000, maximum: 2199 },
    cvc: { type: 'string', minLength: 1, maxLength: 8 },
  },
  required: ['cardNumber', 'expMonth', 'expYear', 'cvc'],
} as const;

export const tokenParams = {
  type: 'object',
  additionalProperties: false,
  properties: { token: paymentMethodRef.properties.token },
  required: ['token'],
} as const;

export const orderIdParams = {
  type: 'object',
  additionalProperties: false,
  properties: { orderId: uuid },
  required: ['orderId'],
} as const;

// Answers.

export const paymentMethod = {
  type: 'object',
  properties: {
    token: { type: 'string' },
    brand: { type: 'string' },
    last4: { type: 'string' },
    expMonth: { type: 'integer' },
    expYear: { type: 'integer' },
  },
  required: ['token', 'brand', 'last4'],
} as const;

export const paymentMethodList = {
  type: 'object',
  properties: { items: { type: 'array', items: paymentMethod } },
  required: ['items'],
} as const;

/** The payment of an order with its history (admins). */
export const payment = {
  type: 'object',
  properties: {
    orderId: uuid,
    paymentId: { type: ['string', 'null'] },
    status: { type: 'string' },
    amount: { type: ['object', 'null'] },
    history: { type: 'array' },
  },
  required: ['orderId', 'status'],
} as const;
