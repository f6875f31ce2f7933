// The users service's HTTP contract. Requests: the schemas its routes validate with. Rules a schema cannot
// express well (email shape after trimming, the password policy, assigned country codes) are the domain's,
// and name the same fields when they fail. Answers: documented in the gateway's OpenAPI, not enforced.
import { cursor, idParams } from './common';

export { idParams };

// Bounds on everything, so no request makes the service hash or store megabytes.
const email = { type: 'string', minLength: 1, maxLength: 320 } as const;
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const name = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const refreshToken = { type: 'string', minLength: 1, maxLength: 256 } as const;

export const registerBody = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password, name },
  required: ['email', 'password', 'name'],
} as const;

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password },
  required: ['email', 'password'],
} as const;

export const refreshBody = {
  type: 'object',
  additionalProperties: false,
  properties: { refreshToken },
  required: ['refreshToken'],
} as const;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' }) as const;

export const address = {
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

export const profilePatch = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name,
    addresses: { type: 'array', maxItems: 10, items: address },
  },
} as const;

export const userListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor,
  },
  required: ['limit'],
} as const;

// Answers. Their fields are the public shapes, which the gateway also checks at its edge.

export const publicEmail = { type: 'string', format: 'email', maxLength: 254 } as const;
export const publicName = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** An address as the public API shows it (the gateway's PATCH /me accepts this shape; see its routes/schemas.ts). */
export const publicAddress = {
  type: 'object',
  additionalProperties: false,
  properties: {
    label: { type: 'string', maxLength: 50 },
    line1: { type: 'string', minLength: 1, maxLength: 200 },
    line2: { type: 'string', maxLength: 200 },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    region: { type: 'string', maxLength: 100 },
    postalCode: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
  required: ['line1', 'city', 'postalCode', 'country'],
} as const;

export const tokenResponse = {
  type: 'object',
  properties: {
    accessToken: { type: 'string' },
    tokenType: { type: 'string', enum: ['Bearer'] },
    expiresIn: { type: 'integer', description: 'seconds until the access token expires' },
    refreshToken: { type: 'string' },
  },
  required: ['accessToken', 'tokenType', 'expiresIn'],
} as const;

export const profile = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: publicEmail,
    name: publicName,
    role: { type: 'string', enum: ['customer', 'admin'] },
    addresses: { type: 'array', items: publicAddress },
  },
  required: ['id', 'email', 'name'],
} as const;

export const userPage = {
  type: 'object',
  properties: { items: { type: 'array', items: profile }, nextCursor: { type: ['string', 'null'] } },
  required: ['items'],
} as const;
