// The JSON Schemas of the users service's requests: they validate, type the handlers, and document the
// API. Rules a schema cannot express well (email shape after trimming, the password policy, assigned
// country codes) are the domain's, and name the same fields when they fail.

// Bounds on everything, so no request makes the service hash or store megabytes.
const email = { type: 'string', minLength: 1, maxLength: 320 } as const;
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const name = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const refreshToken = { type: 'string', minLength: 1, maxLength: 256 } as const;

export const registerBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password, name },
  required: ['email', 'password', 'name'],
} as const;

export const loginBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password },
  required: ['email', 'password'],
} as const;

export const refreshBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { refreshToken },
  required: ['refreshToken'],
} as const;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' }) as const;

export const addressSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    label: { type: 'string', maxLength: 50 },
    line1: text(200),
    line2: { type: 'string', maxLength: 200 },
    city: text(100),
    postalCode: text(20),
    // Shape here; membership of the ISO 3166-1 list is checked by the domain.
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
  required: ['line1', 'city', 'postalCode', 'country'],
} as const;

export const profilePatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name,
    addresses: { type: 'array', maxItems: 10, items: addressSchema },
  },
} as const;

export const userIdSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

export const userListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
  },
  required: ['limit'],
} as const;
