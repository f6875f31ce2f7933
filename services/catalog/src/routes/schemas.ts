// The JSON Schemas of the catalog's requests: they validate, type the handlers, and document the API.

export const productQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    category: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
    minPrice: { type: 'integer', minimum: 0 },
    maxPrice: { type: 'integer', minimum: 0 },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'price_asc', 'price_desc', 'name_asc', 'newest'] },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
  },
  required: ['limit'],
} as const;

export const productIdSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

// Admin catalog management. Limits follow the columns: integer (price, stock), varchar lengths.
const MAX_INT = 2_147_483_647;

const money = {
  type: 'object',
  additionalProperties: false,
  properties: {
    amount: { type: 'integer', minimum: 0, maximum: MAX_INT },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
  required: ['amount', 'currency'],
} as const;

const productFields = {
  name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
  description: { type: 'string', maxLength: 5000 },
  categorySlug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
  price: money,
} as const;

export const newProductSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', minLength: 1, maxLength: 64 },
    ...productFields,
    description: { ...productFields.description, default: '' },
    stock: { type: 'integer', minimum: 0, maximum: MAX_INT },
  },
  required: ['sku', 'name', 'categorySlug', 'price', 'stock'],
} as const;

export const productPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: productFields,
} as const;

export const stockSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { onHand: { type: 'integer', minimum: 0, maximum: MAX_INT } },
  required: ['onHand'],
} as const;
