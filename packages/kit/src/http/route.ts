import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../errors';
import { refuseInvocation } from './deliveries';
import { verifyIdentity, requireIdentity, type IdentityVerifier, type Identity } from '../identity';
import { validate, type FromSchema, type JSONSchema } from '../validation';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route: anyone, any signed-in user, or admins only. An admin may do all a customer may. */
export type Access = 'public' | 'customer' | 'admin';

export interface RouterOptions {
  /** Checks the identity the gateway forwards; required as soon as one route is not public. */
  identity?: IdentityVerifier;
  /**
   * What a signed-in non-admin gets from an admin route: 403, or with `hide` exactly the 404 of a route
   * that does not exist, so a customer learns neither that a resource exists nor that the route does.
   */
  hideAdminRoutes?: boolean;
  prefix?: string;
}

type Typed<S> = S extends JSONSchema ? FromSchema<S> : undefined;

export interface Input<Q, P, B> {
  query: Typed<Q>;
  params: Typed<P>;
  body: Typed<B>;
}

/**
 * A route declared once with its schemas: the same declaration validates the request, types the
 * handler's input, and can be listed (for an OpenAPI document or an authorization table).
 */
export interface RouteSpec<Q, P, B> {
  method: Method;
  path: string;
  summary: string;
  query?: Q;
  params?: P;
  body?: B;
  /**
   * Who may call it, in the words of the gateway's route table: anyone (the default), a caller with an
   * identity forwarded by the gateway, or an admin. Checked before any validation (401, then 403/404).
   */
  access?: Access;
  /** A binding's (or pub/sub) route: reached by the app's own component deliveries only, never invoked (404). */
  deliveryOnly?: boolean;
  /** Returns the response body; set `ctx.status` first for anything but 200 (undefined → 204). */
  handle(input: Input<Q, P, B>, ctx: Context): Promise<unknown>;
}

export interface RouteDef {
  method: Method;
  path: string;
  summary: string;
  query?: JSONSchema;
  params?: JSONSchema;
  body?: JSONSchema;
  access?: Access;
  deliveryOnly?: boolean;
  handle(input: Input<unknown, unknown, unknown>, ctx: Context): Promise<unknown>;
}

export function route<
  const Q extends JSONSchema | undefined = undefined,
  const P extends JSONSchema | undefined = undefined,
  const B extends JSONSchema | undefined = undefined,
>(spec: RouteSpec<Q, P, B>): RouteDef {
  return spec as unknown as RouteDef;
}

/** Builds a router from route declarations: who may call first, then validation, then the handler. */
export function routerFor(routes: readonly RouteDef[], options: RouterOptions = {}): Router {
  const router = new Router(options.prefix ? { prefix: options.prefix } : {});
  for (const def of routes) {
    const access = def.access ?? 'public';
    if (access !== 'public' && !options.identity)
      throw new Error(`${def.method} ${def.path} is for signed-in callers: give routerFor an identity verifier`);
    router[ROUTER_METHOD[def.method]](def.path, async (ctx) => {
      if (def.deliveryOnly) refuseInvocation(ctx);
      if (access !== 'public') authorize(access, ctx, options);
      if (def.body && ctx.request.length && !ctx.request.is('json', '+json')) {
        throw new AppError({
          status: 415,
          code: 'unsupported-media-type',
          title: 'Unsupported media type',
          detail: 'Send the body as application/json',
        });
      }
      const input = {
        query: def.query ? validate(def.query, { ...ctx.query }, 'query') : undefined,
        params: def.params ? validate(def.params, { ...ctx.params }, 'params') : undefined,
        body: def.body ? validate(def.body, (ctx.request as { body?: unknown }).body, 'body') : undefined,
      };
      const out = await def.handle(input as Input<unknown, unknown, unknown>, ctx);
      if (out !== undefined) ctx.body = out;
      else if (ctx.body === undefined) ctx.status = 204;
    });
  }
  return router;
}

/** The @koa/router method that registers a route of each HTTP method (its public API, not `register`). */
export const ROUTER_METHOD = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as const;

/** Puts the verified forwarded identity on `ctx.state.identity`: 401 without one, 403 (or 404) for a non-admin on an admin route. */
function authorize(access: Exclude<Access, 'public'>, ctx: Context, options: RouterOptions): void {
  const state = ctx.state as { identity?: Identity };
  state.identity = verifyIdentity(options.identity!, ctx.headers);
  const identity = requireIdentity(state);
  if (access === 'admin' && identity.role !== 'admin') {
    throw options.hideAdminRoutes
      ? new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${ctx.method} ${ctx.path}` })
      : new AppError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'This operation is for administrators' });
  }
}
