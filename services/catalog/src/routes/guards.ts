import Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError, identityParser, requireIdentity } from '@shop/kit';

/** Admins pass; no forwarded identity is a 401, anyone else signed in a 403. */
const adminOnly: Middleware = async (ctx, next) => {
  if (requireIdentity(ctx.state).role !== 'admin') {
    throw new AppError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'This operation is for administrators' });
  }
  await next();
};

/**
 * Mounts `routes` behind the gateway's forwarded identity and the admin check. Both run only for
 * requests that match one of these routes (before their input is validated), so public routes on the
 * same paths never see them.
 */
export function adminRouter(identityKey: string, routes: Router): Router {
  const router = new Router();
  router.use(identityParser(identityKey), adminOnly);
  router.use(routes.routes());
  return router;
}
