import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../errors';
import { refuseInvocation } from './deliveries';
import { requireIdentity } from '../identity';
import { validate, type FromSchema, type JSONSchema } from '../validation';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /** The caller must be an identity forwarded by the gateway: checked (401) before any validation. */
  needsIdentity?: boolean;
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
  needsIdentity?: boolean;
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

/** Builds a router from route declarations: validation first, then the handler. */
export function routerFor(routes: readonly RouteDef[], prefix = ''): Router {
  const router = new Router(prefix ? { prefix } : {});
  for (const def of routes) {
    router.register(def.path, [def.method], async (ctx) => {
      if (def.deliveryOnly) refuseInvocation(ctx);
      if (def.needsIdentity) requireIdentity(ctx.state);
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
