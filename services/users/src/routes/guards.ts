import Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError, identityParser, requireIdentity } from '@shop/kit';

/**
 * Mounts `routes` behind the kit's identity parser (and any further guards). The parser runs only for
 * requests that match one of these routes, so a public route never rejects a stray identity header.
 */
export function behindIdentity(identityKey: string, routes: Router, ...guards: Middleware[]): Router {
  const router = new Router();
  router.use(identityParser(identityKey), ...guards);
  router.use(routes.routes());
  return router;
}

/**
 * Admins pass; anyone else signed in gets exactly the 404 of a route that does not exist, before input
 * validation, so a customer learns neither that an account exists nor that the route does.
 */
export function adminOnly(): Middleware {
  return async (ctx, next) => {
    if (requireIdentity(ctx.state).role !== 'admin') {
      throw new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${ctx.method} ${ctx.path}` });
    }
    await next();
  };
}
