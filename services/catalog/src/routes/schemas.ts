// The JSON Schemas of the catalog's requests: they validate, type the handlers, and document the API.
import { MAX_IDS, MAX_INT } from '../domain/product';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const productQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    category: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
    // Bounded like the price column (a PostgreSQL integer): a larger bound would fail the query.
    minPrice: { type: 'integer', minimum: 0, maximum: MAX_INT },
    maxPrice: { type: 'integer', minimum: 0, maximum: MAX_INT },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'price_asc', 'price_desc', 'name_asc', 'newest'] },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
    // The count is checked by normalizeQuery, with a message that says so (a length bound would not).
    ids: {
      type: 'string',
      pattern: `^${UUID}(,${UUID})*$`,
      description:
        `Only these products: 1 to ${MAX_IDS} product ids, comma-separated. An id naming no product (or an archived one) ` +
        'is simply absent from the answer. It filters like the other parameters and combines with all of them; the ' +
        'answer is still a keyset page, so ask a limit of at least the number of ids to get them in one answer.',
    },
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
