import { createHmac, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError, UnauthorizedError } from './errors';

// The gateway authenticates callers (bearer JWTs) and forwards who they are to upstream services in two
// headers: the identity, and an HMAC of it under a key only the gateway and the services hold (a secret
// in the Dapr secret store). Upstreams never accept a user id any other way, so a client cannot claim an
// identity by sending a header, and a forwarded identity expires within a minute.

export type Role = 'customer' | 'admin';

export interface Identity {
  sub: string;
  role: Role;
}

export const IDENTITY_HEADER = 'x-shop-identity';
export const IDENTITY_SIG_HEADER = 'x-shop-identity-sig';
const DEFAULT_TTL_SECONDS = 60;

const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function signIdentity(key: string, identity: Identity, ttlSeconds = DEFAULT_TTL_SECONDS, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...identity, exp: Math.floor(now / 1000) + ttlSeconds })).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIG_HEADER]: mac(key, payload) };
}

/**
 * The identity the gateway forwarded, or undefined when none was sent. A forged, altered or expired
 * one throws Unauthorized.
 */
export function verifyIdentity(
  key: string,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): Identity | undefined {
  const payload = headers[IDENTITY_HEADER];
  const sig = headers[IDENTITY_SIG_HEADER];
  if (payload === undefined && sig === undefined) return undefined;
  if (typeof payload !== 'string' || typeof sig !== 'string') throw new UnauthorizedError('Malformed forwarded identity');
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new UnauthorizedError('Forwarded identity is not signed by the gateway');
  let claims: Partial<Identity & { exp: number }>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Identity & { exp: number }>;
  } catch {
    throw new UnauthorizedError('Malformed forwarded identity');
  }
  if (typeof claims.sub !== 'string' || (claims.role !== 'customer' && claims.role !== 'admin') || typeof claims.exp !== 'number') {
    throw new UnauthorizedError('Malformed forwarded identity');
  }
  if (claims.exp * 1000 < now) throw new UnauthorizedError('Forwarded identity has expired');
  return { sub: claims.sub, role: claims.role };
}

/** Puts the verified forwarded identity (or undefined) on `ctx.state.identity`. */
export function identityParser(key: string): Middleware {
  return async (ctx, next) => {
    (ctx.state as { identity?: Identity }).identity = verifyIdentity(key, ctx.headers);
    await next();
  };
}

/** The caller's identity; 401 when the route needs one and none was forwarded. */
export function requireIdentity(state: unknown): Identity {
  const identity = (state as { identity?: Identity }).identity;
  if (!identity) throw new UnauthorizedError('Sign in to use this resource');
  return identity;
}

/**
 * Mounts `routes` behind the identity parser (and any further guards). They run only for requests that
 * match one of these routes, before input validation, so public routes never see them.
 */
export function behindIdentity(identityKey: string, routes: Router, ...guards: Middleware[]): Router {
  const router = new Router();
  router.use(identityParser(identityKey), ...guards);
  router.use(routes.routes());
  return router;
}

/**
 * Admins pass; no identity is a 401. Anyone else gets a 403, or with `hide` exactly the 404 of a route
 * that does not exist, so a customer learns neither that a resource exists nor that the route does.
 */
export function adminOnly(options: { hide: boolean }): Middleware {
  return async (ctx, next) => {
    if (requireIdentity(ctx.state).role !== 'admin') {
      throw options.hide
        ? new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${ctx.method} ${ctx.path}` })
        : new AppError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'This operation is for administrators' });
    }
    await next();
  };
}
