export type { FromSchema, JSONSchema } from './schema-types';
export * from './common';
export * from './define';
export * from './orders';
export * from './stock';
export * from './payments';
export * from './participants';
export * from './asyncapi';
// Each service's HTTP contract, under its name: the service validates with it, the gateway exposes it.
export * as usersHttp from './http/users';
export * as catalogHttp from './http/catalog';
export * as cartHttp from './http/cart';
export * as paymentsHttp from './http/payments';
export * as ordersHttp from './http/orders';
