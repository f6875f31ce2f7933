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
  response: { status: 200 | 201 | 204; description: string; schema?: JSONSchema };
  target: Target;
}

const users = (method: Method, path: string, extra: { sendClientId?: boolean } = {}): Target => ({
  kind: 'upstream',
  appId: 'users',
  method,
  path,
  ...extra,
});
const catalog = (path: string): Target => ({ kind: 'upstream', appId: 'catalog', method: 'GET', path });

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
];

/** Who may call what, as tests and reviews read it: the full public path, its method and the access it needs. */
export const authorizationTable = routeTable.map((r) => ({ method: r.method, path: API_PREFIX + r.path, access: r.access }));
