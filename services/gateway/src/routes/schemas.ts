// The schemas of the public API, as the route table uses them: they validate requests at the edge, type
// them, and document them in OpenAPI. Each is the contract of the service behind the route, declared once
// in @shop/contracts (where that service validates with it again). Where the gateway's edge checks
// otherwise, the refinement is composed below from the service's schema, with the difference named.
import { cartHttp, catalogHttp, ordersHttp, paymentsHttp, usersHttp } from '@shop/contracts';
import type { JSONSchema } from '@shop/kit';

type ObjectSchema = JSONSchema & { readonly properties: Readonly<Record<string, JSONSchema>> };

/** The schema with some of its properties' schemas replaced (or added), in their places. */
const withProperties = <S extends ObjectSchema, P extends Record<string, JSONSchema>>(schema: S, properties: P) =>
  ({ ...schema, properties: { ...schema.properties, ...properties } }) as const;

// Accounts (users). The edge is stricter on email (an email format, at most 254) and on passwords (the
// lengths of users' password policy, 10 to 128), and looser on names and addresses (no `\S` rule;
// `region` is accepted here and refused by users) and on refresh tokens (4096; users: 256).

export const registerBody = withProperties(usersHttp.registerBody, {
  email: usersHttp.publicEmail,
  password: { type: 'string', minLength: 10, maxLength: 128 },
  name: usersHttp.publicName,
});

export const loginBody = withProperties(usersHttp.loginBody, {
  email: usersHttp.publicEmail,
  password: { type: 'string', minLength: 1, maxLength: 200 },
});

export const refreshBody = withProperties(usersHttp.refreshBody, { refreshToken: { type: 'string', minLength: 1, maxLength: 4096 } });

/** At least one field (users accepts an empty patch). */
const { properties: _patchProperties, ...patchShape } = usersHttp.profilePatch;
export const updateMeBody = {
  ...patchShape,
  minProperties: 1,
  properties: {
    name: usersHttp.publicName,
    addresses: { ...usersHttp.profilePatch.properties.addresses, items: usersHttp.publicAddress },
  },
} as const;

export const idParams = usersHttp.idParams;
export const userListQuery = usersHttp.userListQuery;
export const { tokenResponse, profile, userPage } = usersHttp;

// Catalog. `ids` is the cart's look-up of its lines, not part of the public search; the edge does not
// fill a product's empty description (catalog does).

const { ids: _ids, ...publicQueryProperties } = catalogHttp.productQuery.properties;
export const productQuery = { ...catalogHttp.productQuery, properties: publicQueryProperties } as const;

export const newProductBody = withProperties(catalogHttp.newProductBody, {
  description: catalogHttp.productPatchBody.properties.description,
});

export const { productPatchBody, stockBody, product, productPage, categoryTree, stockLevel } = catalogHttp;

// Cart.

export const productIdParams = cartHttp.productParams;
export const cartItemBody = cartHttp.setQuantityBody;
export const { cart } = cartHttp;

// Payments. The edge refuses card fields of the wrong shape (digits with spaces or dashes, a CVC of 3 or 4
// digits, a year up to 2100) before they travel further; payments checks the card itself.

export const paymentMethodBody = withProperties(paymentsHttp.newPaymentMethodBody, {
  cardNumber: { type: 'string', minLength: 12, maxLength: 23, pattern: '^[0-9 -]+$' },
  expYear: { type: 'integer', minimum: 2000, maximum: 2100 },
  cvc: { type: 'string', pattern: '^[0-9]{3,4}$' },
});

export const orderIdParams = paymentsHttp.orderIdParams;
export const { paymentMethod, paymentMethodList, payment } = paymentsHttp;

// Orders. The edge takes cursors up to 512 characters, like every other page (orders: 200).

export const orderListQuery = withProperties(ordersHttp.orderListQuery, { cursor: { type: 'string', minLength: 1, maxLength: 512 } });
export const { checkoutBody, checkoutAccepted, orderPage, order, rebuildBody, rebuildStatus } = ordersHttp;

// The gateway's own answers.

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
