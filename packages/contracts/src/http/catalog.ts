// The catalog's HTTP contract. Requests: the schemas its routes validate with; limits follow the columns
// (integer price and stock, varchar lengths). Answers: documented in the gateway's OpenAPI, not enforced.
import { uuid } from '../common';
import { cursor, idParams, moneyView } from './common';

export { idParams };

/** The largest PostgreSQL integer: prices and stock are stored as one, so no bound or cursor may pass it. */
export const MAX_INT = 2_147_483_647;
/** The most products one `ids` filter may name: a cart's lines (at most 50) in one look-up. */
export const MAX_IDS = 50;

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const slug = { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 } as const;

export const productQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    category: slug,
    // Bounded like the price column (a PostgreSQL integer): a larger bound would fail the query.
    minPrice: { type: 'integer', minimum: 0, maximum: MAX_INT },
    maxPrice: { type: 'integer', minimum: 0, maximum: MAX_INT },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'price_asc', 'price_desc', 'name_asc', 'newest'] },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor,
    // The count is checked by the domain's normalizeQuery, with a message that says so (a length bound would not).
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

// Admin catalog management.

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
  categorySlug: slug,
  price: money,
} as const;

export const newProductBody = {
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

export const productPatchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: productFields,
} as const;

export const stockBody = {
  type: 'object',
  additionalProperties: false,
  properties: { onHand: { type: 'integer', minimum: 0, maximum: MAX_INT } },
  required: ['onHand'],
} as const;

// Answers.

export const product = {
  type: 'object',
  properties: {
    id: uuid,
    name: { type: 'string' },
    description: { type: 'string' },
    price: moneyView,
    stock: { type: 'object', properties: { available: { type: 'integer' } } },
    category: { type: 'object', properties: { slug: { type: 'string' }, name: { type: 'string' } } },
  },
  required: ['id', 'name', 'price'],
} as const;

export const productPage = {
  type: 'object',
  properties: { items: { type: 'array', items: product }, nextCursor: { type: ['string', 'null'] } },
  required: ['items'],
} as const;

export const categoryTree = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { slug: { type: 'string' }, name: { type: 'string' }, children: { type: 'array', items: { type: 'object' } } },
      },
    },
  },
  required: ['items'],
} as const;

export const stockLevel = {
  type: 'object',
  properties: { productId: uuid, onHand: { type: 'integer' }, reserved: { type: 'integer' }, available: { type: 'integer' } },
  required: ['productId', 'onHand', 'reserved', 'available'],
} as const;
