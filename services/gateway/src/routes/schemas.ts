// The JSON Schemas of the public API: they validate requests, type them, and document them in OpenAPI.
// The gateway owns the public contract (DESIGN.md §4); upstreams validate again on their side.

const email = { type: 'string', format: 'email', maxLength: 254 } as const;
const name = { type: 'string', minLength: 1, maxLength: 100 } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const cursor = { type: 'string', minLength: 1, maxLength: 512 } as const;
const refreshToken = { type: 'string', minLength: 1, maxLength: 4096 } as const;

export const registerBody = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password: { type: 'string', minLength: 10, maxLength: 128 }, name },
  required: ['email', 'password', 'name'],
} as const;

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  properties: { email, password: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['email', 'password'],
} as const;

export const refreshBody = {
  type: 'object',
  additionalProperties: false,
  properties: { refreshToken },
  required: ['refreshToken'],
} as const;

export const address = {
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

export const updateMeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, addresses: { type: 'array', maxItems: 10, items: address } },
} as const;

export const productQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    category: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
    // Prices are PostgreSQL integers: a bound past 2^31 - 1 would fail the query, not match nothing.
    minPrice: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
    maxPrice: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
    inStock: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'price_asc', 'price_desc', 'name_asc', 'newest'] },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor,
  },
} as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  properties: { id: uuid },
  required: ['id'],
} as const;

export const userListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor },
} as const;

// Responses: documented (OpenAPI), not enforced; upstreams may add fields.

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
    email,
    name,
    role: { type: 'string', enum: ['customer', 'admin'] },
    addresses: { type: 'array', items: address },
  },
  required: ['id', 'email', 'name'],
} as const;

export const userPage = {
  type: 'object',
  properties: { items: { type: 'array', items: profile }, nextCursor: { type: ['string', 'null'] } },
  required: ['items'],
} as const;

const money = {
  type: 'object',
  properties: { amount: { type: 'integer', description: 'minor units' }, currency: { type: 'string' } },
  required: ['amount', 'currency'],
} as const;

export const product = {
  type: 'object',
  properties: {
    id: uuid,
    name: { type: 'string' },
    description: { type: 'string' },
    price: money,
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

export const overview = {
  type: 'object',
  properties: {
    profile,
    cart: { type: ['object', 'null'], description: 'cart summary; null when the cart service did not answer' },
    recentOrders: { type: ['array', 'null'], items: { type: 'object' }, description: 'the last orders; null when unavailable' },
    degraded: { type: 'array', items: { type: 'string', enum: ['cart', 'recentOrders'] } },
  },
  required: ['profile', 'cart', 'recentOrders', 'degraded'],
} as const;

export const openapiDocument = { type: 'object', properties: { openapi: { type: 'string' } }, required: ['openapi'] } as const;

export const problem = {
  type: 'object',
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      maxItems: 20,
      description: 'the fields that failed (the first 20)',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
    },
    errorsOmitted: { type: 'integer', description: 'how many more fields failed than `errors` lists' },
    retryAfter: { type: 'integer', description: 'seconds to wait before trying again, as the Retry-After header says' },
  },
  required: ['type', 'title', 'status'],
} as const;

// Cart, payments and orders (upstreams validate again; these are the public contract).

export const productIdParams = {
  type: 'object',
  additionalProperties: false,
  properties: { productId: uuid },
  required: ['productId'],
} as const;

export const orderIdParams = {
  type: 'object',
  additionalProperties: false,
  properties: { orderId: uuid },
  required: ['orderId'],
} as const;

export const cartItemBody = {
  type: 'object',
  additionalProperties: false,
  properties: { quantity: { type: 'integer', minimum: 1, maximum: 99 } },
  required: ['quantity'],
} as const;

const cartLine = {
  type: 'object',
  properties: {
    productId: uuid,
    sku: { type: 'string' },
    name: { type: 'string' },
    quantity: { type: 'integer' },
    unitPrice: money,
    current: { type: ['object', 'null'], properties: { unitPrice: money, available: { type: 'integer' } } },
    priceChanged: { type: 'boolean' },
    insufficientStock: { type: 'boolean' },
  },
  required: ['productId', 'quantity', 'unitPrice'],
} as const;

export const cart = {
  type: 'object',
  properties: {
    items: { type: 'array', items: cartLine },
    subtotal: money,
    itemCount: { type: 'integer' },
    updatedAt: { type: ['string', 'null'] },
  },
  required: ['items', 'subtotal'],
} as const;

export const paymentMethodBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cardNumber: { type: 'string', minLength: 12, maxLength: 23, pattern: '^[0-9 -]+$' },
    expMonth: { type: 'integer', minimum: 1, maximum: 12 },
    expYear: { type: 'integer', minimum: 2000, maximum: 2100 },
    cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
  },
  required: ['cardNumber', 'expMonth', 'expYear', 'cvc'],
} as const;

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

const shippingAddress = {
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

export const checkoutBody = {
  type: 'object',
  additionalProperties: false,
  properties: { paymentMethod: { type: 'string', pattern: '^pm_[A-Za-z0-9]{16,64}$' }, shippingAddress },
  required: ['paymentMethod', 'shippingAddress'],
} as const;

export const checkoutAccepted = {
  type: 'object',
  properties: { orderId: uuid, status: { type: 'string' } },
  required: ['orderId', 'status'],
} as const;

export const orderListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor, customerId: uuid },
} as const;

const orderSummary = {
  type: 'object',
  properties: {
    id: uuid,
    status: { type: 'string' },
    total: money,
    itemCount: { type: 'integer' },
    placedAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'status', 'total'],
} as const;

export const orderPage = {
  type: 'object',
  properties: { items: { type: 'array', items: orderSummary }, nextCursor: { type: ['string', 'null'] } },
  required: ['items'],
} as const;

export const order = {
  type: 'object',
  properties: {
    ...orderSummary.properties,
    lines: { type: 'array' },
    shippingAddress: { type: 'object' },
    payment: { type: 'object' },
    cancelReason: { type: ['string', 'null'] },
    trackingNumber: { type: ['string', 'null'] },
    timeline: {
      type: 'array',
      items: { type: 'object', properties: { version: { type: 'integer' }, type: { type: 'string' }, at: { type: 'string' } } },
    },
  },
  required: ['id', 'status', 'total', 'timeline'],
} as const;

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

export const rebuildBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prune: {
      type: 'boolean',
      default: false,
      description: 'Also delete the history of orders whose event stream is missing (they are kept otherwise)',
    },
  },
} as const;

const rebuildResult = {
  type: 'object',
  properties: {
    rebuilt: { type: 'integer', description: 'Orders replayed from their event streams' },
    events: { type: 'integer', description: 'Events replayed' },
    kept: { type: 'integer', description: 'Orders left as they were: their stream is missing, prune was not asked' },
    pruned: { type: 'integer', description: 'Orders whose history was deleted: their stream is missing, prune was asked' },
  },
  required: ['rebuilt', 'events', 'kept', 'pruned'],
} as const;

/** Where the rebuild stands (it runs in the background): idle, running, succeeded with its result, or failed. */
export const rebuildStatus = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['idle', 'running', 'succeeded', 'failed'] },
    prune: { type: 'boolean' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    result: rebuildResult,
    error: { type: 'string', description: 'Why it failed' },
  },
  required: ['state'],
} as const;

// Admin catalog management.

const adminMoney = {
  type: 'object',
  additionalProperties: false,
  properties: { amount: { type: 'integer', minimum: 0, maximum: 2_147_483_647 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  required: ['amount', 'currency'],
} as const;

const productFields = {
  name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
  description: { type: 'string', maxLength: 5000 },
  categorySlug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
  price: adminMoney,
} as const;

export const newProductBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', minLength: 1, maxLength: 64 },
    ...productFields,
    stock: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
  },
  required: ['sku', 'name', 'categorySlug', 'price', 'stock'],
} as const;

export const productPatchBody = { type: 'object', additionalProperties: false, minProperties: 1, properties: productFields } as const;

export const stockBody = {
  type: 'object',
  additionalProperties: false,
  properties: { onHand: { type: 'integer', minimum: 0, maximum: 2_147_483_647 } },
  required: ['onHand'],
} as const;

export const stockLevel = {
  type: 'object',
  properties: { productId: uuid, onHand: { type: 'integer' }, reserved: { type: 'integer' }, available: { type: 'integer' } },
  required: ['productId', 'onHand', 'reserved', 'available'],
} as const;
