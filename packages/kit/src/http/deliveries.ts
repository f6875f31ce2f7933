import type { Context, Middleware } from 'koa';
import { AppError } from '../errors';

/**
 * daprd marks every service invocation it hands to an app with the caller's app id; a delivery from the
 * app's own pub/sub or binding component carries none. (An ingress client cannot remove it: the calling
 * sidecar always sets it.)
 */
export const CALLER_APP_ID_HEADER = 'dapr-caller-app-id';

/** True when the request is a service invocation (from another app, or a client through a sidecar). */
export const isInvocation = (ctx: Context): boolean => ctx.get(CALLER_APP_ID_HEADER) !== '';

/**
 * Pub/sub and binding routes are reachable only by deliveries of the app's own components, never by
 * service invocation: an invocation gets exactly the 404 of a route that does not exist.
 */
export function refuseInvocation(ctx: Context): void {
  if (isInvocation(ctx))
    throw new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${ctx.method} ${ctx.path}` });
}

export function deliveriesOnly(): Middleware {
  return async (ctx, next) => {
    refuseInvocation(ctx);
    await next();
  };
}
