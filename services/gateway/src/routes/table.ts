import type { JSONSchema, Method } from '@shop/kit';
import type { Access } from '../domain/roles';
import type { RateClass } from '../domain/rate-limit';
import * as s from './schemas';

// Every public route, declared once. The router (validation, authentication, authorization, rate limits,
// upstream calls), the OpenAPI document and the authorization table are all built from this list.

export const API_PREFIX = '/api/v1';

/** Where a route's answer comes from: another app through Dapr, or a handler of the gateway itself. */
export type Target =
  | {
      kind: 'upstream';
      appId: string;
      method: Method;
      /** Path at the callee; `:name` segments are taken from the validated path parameters. */
      path: string;
      /** Send the caller's address as `x-client-id` (the users service limits sign-in attempts by it). */
      sendClientId?: boolean;
      /** Client request headers the callee needs (e.g. `idempotency-key`); no other client header is sent. */
      forwardHeaders?: readonly string[];
      /**
       * Apps the callee calls in turn as the caller (checkout reads the cart): each gets an identity of
       * its own, signed for it and carried along, so the callee never needs a key to make one.
       */
      onBehalfOf?: readonly string[];
    }
  | { kind: 'local'; handler: 'openapi' | 'overview' };

export interface GatewayRoute {
  method: Method;
  /** Path under /api/v1, in @koa/router syntax (`/products/:id`). */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  rateLimit: RateClass;
  query?: JSONSchema;
  params?: JSONSchema;
  body?: JSONSchema;
  /** A body the route accepts: shown in the OpenAPI document, and sent by the tests that walk every route. */
  example?: unknown;
  response: { status: 200 | 201 | 202 | 204; description: string; schema?: JSONSchema };
  target: Target;
}

const users = (method: Method, path: string, extra: { sendClientId?: boolean } = {}): Target => ({
  kind: 'upstream',
  appId: 'users',
  method,
  path,
  ...extra,
});
const catalog = (path: string, method: Method = 'GET'): Target => ({ kind: 'upstream', appId: 'catalog', method, path });
const to = (
  appId: string,
  method: Method,
  path: string,
  extra: { forwardHeaders?: readonly string[]; onBehalfOf?: readonly string[] } = {},
): Target => ({
  kind: 'upstream',
  appId,
  method,
  path,
  ...extra,
});

export const routeTable: readonly GatewayRoute[] = [
  {
    method: 'POST',
    path: '/auth/register',
    operationId: 'register',
    summary: 'Create a customer account',
    tag: 'auth',
    access: 'public',
    rateLimit: 'auth',
    body: s.registerBody,
    example: { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' },
    response: { status: 201, description: 'The new account', schema: s.profile },
    target: users('POST', '/users', { sendClientId: true }),
  },
  {
    method: 'POST',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Sign in with email and password',
    tag: 'auth',
    access: 'public',
    rateLimit: 'auth',
    body: s.loginBody,
    example: { email: 'ann@example.com', password: 'correct horse battery' },
    response: { status: 200, description: 'An access token and a refresh token', schema: s.tokenResponse },
    target: users('POST', '/sessions', { sendClientId: true }),
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    operationId: 'refreshSession',
    summary: 'Exchange a refresh token for a new access token (the refresh token rotates)',
    tag: 'auth',
    access: 'public',
    rateLimit: 'write',
    body: s.refreshBody,
    example: { refreshToken: 'rt_example' },
    response: { status: 200, description: 'A new access token and refresh token', schema: s.tokenResponse },
    target: users('POST', '/sessions/refresh', { sendClientId: true }),
  },
  {
    method: 'POST',
    path: '/auth/logout',
    operationId: 'logout',
    summary: 'Revoke a refresh token',
    tag: 'auth',
    access: 'public',
    rateLimit: 'write',
    body: s.refreshBody,
    example: { refreshToken: 'rt_example' },
    response: { status: 204, description: 'Signed out' },
    target: users('POST', '/sessions/logout', { sendClientId: true }),
  },
  {
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    summary: 'Your own profile',
    tag: 'me',
    access: 'customer',
    rateLimit: 'read',
    response: { status: 200, description: 'Your profile', schema: s.profile },
    target: users('GET', '/me'),
  },
  {
    method: 'PATCH',
    path: '/me',
    operationId: 'updateMe',
    summary: 'Change your name or addresses',
    tag: 'me',
    access: 'customer',
    rateLimit: 'write',
    body: s.updateMeBody,
    example: { name: 'Ann B.' },
    response: { status: 200, description: 'Your updated profile', schema: s.profile },
    target: users('PATCH', '/me'),
  },
  {
    method: 'GET',
    path: '/me/overview',
    operationId: 'getOverview',
    summary: 'Your profile, cart summary and recent orders in one call; parts that fail are null and listed in `degraded`',
    tag: 'me',
    access: 'customer',
    rateLimit: 'read',
    response: { status: 200, description: 'The overview', schema: s.overview },
    target: { kind: 'local', handler: 'overview' },
  },
  {
    method: 'GET',
    path: '/categories',
    operationId: 'listCategories',
    summary: 'The category tree',
    tag: 'catalog',
    access: 'public',
    rateLimit: 'read',
    response: { status: 200, description: 'The category tree', schema: s.categoryTree },
    target: catalog('/categories'),
  },
  {
    method: 'GET',
    path: '/products',
    operationId: 'searchProducts',
    summary: 'Search products: full text, category, price range, stock; keyset pages',
    tag: 'catalog',
    access: 'public',
    rateLimit: 'read',
    query: s.productQuery,
    response: { status: 200, description: 'A page of products', schema: s.productPage },
    target: catalog('/products'),
  },
  {
    method: 'GET',
    path: '/products/:id',
    operationId: 'getProduct',
    summary: 'One product with its available stock',
    tag: 'catalog',
    access: 'public',
    rateLimit: 'read',
    params: s.idParams,
    response: { status: 200, description: 'The product', schema: s.product },
    target: catalog('/products/:id'),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document: OpenAPI 3.1, built from the schemas that validate requests',
    tag: 'meta',
    access: 'public',
    rateLimit: 'read',
    response: { status: 200, description: 'The OpenAPI document', schema: s.openapiDocument },
    target: { kind: 'local', handler: 'openapi' },
  },
  {
    method: 'GET',
    path: '/admin/users',
    operationId: 'adminListUsers',
    summary: 'All accounts, a page at a time',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'read',
    query: s.userListQuery,
    response: { status: 200, description: 'A page of accounts', schema: s.userPage },
    target: users('GET', '/users'),
  },
  {
    method: 'GET',
    path: '/admin/users/:id',
    operationId: 'adminGetUser',
    summary: 'One account',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'read',
    params: s.idParams,
    response: { status: 200, description: 'The account', schema: s.profile },
    target: users('GET', '/users/:id'),
  },
  {
    method: 'POST',
    path: '/products',
    operationId: 'adminCreateProduct',
    summary: 'Add a product to the catalog',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'write',
    body: s.newProductBody,
    example: {
      sku: 'LAMP-001',
      name: 'Brass desk lamp',
      description: 'A lamp',
      categorySlug: 'lighting',
      price: { amount: 4999, currency: 'USD' },
      stock: 10,
    },
    response: { status: 201, description: 'The new product', schema: s.product },
    target: catalog('/products', 'POST'),
  },
  {
    method: 'PATCH',
    path: '/products/:id',
    operationId: 'adminUpdateProduct',
    summary: "Change a product's name, description, price or category",
    tag: 'admin',
    access: 'admin',
    rateLimit: 'write',
    params: s.idParams,
    body: s.productPatchBody,
    example: { price: { amount: 3999, currency: 'USD' } },
    response: { status: 200, description: 'The product', schema: s.product },
    target: catalog('/products/:id', 'PATCH'),
  },
  {
    method: 'DELETE',
    path: '/products/:id',
    operationId: 'adminArchiveProduct',
    summary: 'Archive a product: it leaves search and can no longer be ordered',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'write',
    params: s.idParams,
    response: { status: 204, description: 'Archived' },
    target: catalog('/products/:id', 'DELETE'),
  },
  {
    method: 'PUT',
    path: '/products/:id/stock',
    operationId: 'adminSetStock',
    summary: 'Set the units on hand (not below what open reservations hold)',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'write',
    params: s.idParams,
    body: s.stockBody,
    example: { onHand: 25 },
    response: { status: 200, description: 'The stock level', schema: s.stockLevel },
    target: catalog('/products/:id/stock', 'PUT'),
  },
  {
    method: 'GET',
    path: '/cart',
    operationId: 'getCart',
    summary: 'Your cart, with each line flagged when its price or stock changed since it was added',
    tag: 'cart',
    access: 'customer',
    rateLimit: 'read',
    response: { status: 200, description: 'Your cart', schema: s.cart },
    target: to('cart', 'GET', '/cart'),
  },
  {
    method: 'PUT',
    path: '/cart/items/:productId',
    operationId: 'setCartItem',
    summary: 'Add a product to your cart or set its quantity (the price is snapshotted now)',
    tag: 'cart',
    access: 'customer',
    rateLimit: 'write',
    params: s.productIdParams,
    body: s.cartItemBody,
    example: { quantity: 2 },
    response: { status: 200, description: 'Your updated cart', schema: s.cart },
    target: to('cart', 'PUT', '/cart/items/:productId'),
  },
  {
    method: 'DELETE',
    path: '/cart/items/:productId',
    operationId: 'removeCartItem',
    summary: 'Remove a product from your cart',
    tag: 'cart',
    access: 'customer',
    rateLimit: 'write',
    params: s.productIdParams,
    response: { status: 200, description: 'Your updated cart', schema: s.cart },
    target: to('cart', 'DELETE', '/cart/items/:productId'),
  },
  {
    method: 'DELETE',
    path: '/cart',
    operationId: 'clearCart',
    summary: 'Empty your cart',
    tag: 'cart',
    access: 'customer',
    rateLimit: 'write',
    response: { status: 204, description: 'Emptied' },
    target: to('cart', 'DELETE', '/cart'),
  },
  {
    method: 'POST',
    path: '/payment-methods',
    operationId: 'addPaymentMethod',
    summary: 'Save a card as a payment-method token (the number and CVC reach the payments service only)',
    tag: 'payments',
    access: 'customer',
    rateLimit: 'write',
    body: s.paymentMethodBody,
    example: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' },
    response: { status: 201, description: 'The token and what may be shown of the card', schema: s.paymentMethod },
    target: to('payments', 'POST', '/payment-methods'),
  },
  {
    method: 'GET',
    path: '/payment-methods',
    operationId: 'listPaymentMethods',
    summary: 'Your saved payment methods',
    tag: 'payments',
    access: 'customer',
    rateLimit: 'read',
    response: { status: 200, description: 'Your payment methods', schema: s.paymentMethodList },
    target: to('payments', 'GET', '/payment-methods'),
  },
  {
    method: 'POST',
    path: '/orders',
    operationId: 'checkout',
    summary: 'Check out your cart. Requires an Idempotency-Key header: a replay returns the same order',
    tag: 'orders',
    access: 'customer',
    rateLimit: 'write',
    body: s.checkoutBody,
    example: {
      paymentMethod: 'pm_4eC39HqLyjWDarjtT1zdp7dc',
      shippingAddress: { name: 'Ann', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
    response: { status: 202, description: 'The order was accepted; follow its status at /orders/{orderId}', schema: s.checkoutAccepted },
    // Checkout reads the customer's cart and saved payment method, and empties the cart, as the customer.
    target: to('orders', 'POST', '/orders', { forwardHeaders: ['idempotency-key'], onBehalfOf: ['cart', 'payments'] }),
  },
  {
    method: 'GET',
    path: '/orders',
    operationId: 'listOrders',
    summary: 'Your order history, newest first (admins: everyone’s, or one customer’s with customerId)',
    tag: 'orders',
    access: 'customer',
    rateLimit: 'read',
    query: s.orderListQuery,
    response: { status: 200, description: 'A page of orders', schema: s.orderPage },
    target: to('orders', 'GET', '/orders'),
  },
  {
    method: 'GET',
    path: '/orders/:id',
    operationId: 'getOrder',
    summary: 'One of your orders with its status timeline (another customer’s order is 404)',
    tag: 'orders',
    access: 'customer',
    rateLimit: 'read',
    params: s.idParams,
    response: { status: 200, description: 'The order', schema: s.order },
    target: to('orders', 'GET', '/orders/:id'),
  },
  {
    method: 'GET',
    path: '/admin/payments/:orderId',
    operationId: 'adminGetPayment',
    summary: 'The payment of an order with its history',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'read',
    params: s.orderIdParams,
    response: { status: 200, description: 'The payment', schema: s.payment },
    target: to('payments', 'GET', '/payments/:orderId'),
  },
  {
    method: 'POST',
    path: '/admin/orders/read-model/rebuild',
    operationId: 'adminRebuildOrderHistory',
    summary:
      'Start rebuilding the order history (a projection) from the order event store, in the background; orders without a stream are kept unless prune is true. 409 while one runs',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'write',
    body: s.rebuildBody,
    example: { prune: false },
    response: { status: 202, description: 'The rebuild started; follow it with GET', schema: s.rebuildStatus },
    target: to('orders', 'POST', '/admin/read-model/rebuild'),
  },
  {
    method: 'GET',
    path: '/admin/orders/read-model/rebuild',
    operationId: 'adminRebuildOrderHistoryStatus',
    summary: 'Where the rebuild of the order history stands: idle, running, succeeded with what was rebuilt, kept and pruned, or failed',
    tag: 'admin',
    access: 'admin',
    rateLimit: 'read',
    response: { status: 200, description: 'The rebuild last started on the replica that answers', schema: s.rebuildStatus },
    target: to('orders', 'GET', '/admin/read-model/rebuild'),
  },
];

/** Who may call what, as tests and reviews read it: the full public path, its method and the access it needs. */
export const authorizationTable = routeTable.map((r) => ({ method: r.method, path: API_PREFIX + r.path, access: r.access }));
