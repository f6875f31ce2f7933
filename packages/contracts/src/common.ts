// Building blocks shared by the event schemas. Money is an integer in minor units plus a currency.

export const money = {
  type: 'object',
  additionalProperties: false,
  properties: { amount: { type: 'integer', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  required: ['amount', 'currency'],
} as const;

export const uuid = { type: 'string', format: 'uuid' } as const;
export const timestamp = { type: 'string', format: 'date-time' } as const;

export const orderLine = {
  type: 'object',
  additionalProperties: false,
  properties: {
    productId: uuid,
    sku: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    quantity: { type: 'integer', minimum: 1, maximum: 1000 },
    unitPrice: money,
  },
  required: ['productId', 'sku', 'name', 'quantity', 'unitPrice'],
} as const;

/** What every service may know of a payment method: a token and display facts, never the card. */
export const paymentMethodRef = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', pattern: '^pm_[A-Za-z0-9]{16,64}$' },
    brand: { type: 'string', maxLength: 20 },
    last4: { type: 'string', pattern: '^[0-9]{4}$' },
  },
  required: ['token', 'brand', 'last4'],
} as const;

export const address = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    line1: { type: 'string', minLength: 1, maxLength: 200 },
    line2: { type: 'string', maxLength: 200 },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    postalCode: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
  required: ['name', 'line1', 'city', 'postalCode', 'country'],
} as const;
