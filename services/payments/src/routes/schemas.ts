// The JSON Schemas of the payments API: they validate, type the handlers, and document the API. The
// schema checks only shapes; the card rules (digits, Luhn, brand, expiry, CVC) are in domain/card.ts,
// whose problems never quote the value.

export const newPaymentMethodSchema = {
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

export const tokenParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { type: 'string', pattern: '^pm_[A-Za-z0-9]{16,64}$' } },
  required: ['token'],
} as const;

export const orderIdParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { orderId: { type: 'string', format: 'uuid' } },
  required: ['orderId'],
} as const;
