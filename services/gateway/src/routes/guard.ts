import { AppError, type Identity, type Logger } from '@shop/kit';
import type { Context, Middleware } from 'koa';
import { bearerToken, unauthorized, type TokenVerifier } from '../domain/verify-token';
import { rateLimitHeaders, strictest, type RateClass, type Verdict } from '../domain/rate-limit';
import type { RateLimiter } from '../domain/rate-limiter';
import { authorize, type Access } from '../domain/roles';
import { clientAddress, type ClientAddressRules } from './client-address';

/** What the guard learned about the caller, for the route's handler. */
export interface CallerState {
  identity?: Identity;
  clientId: string;
}

export interface GuardDeps {
  limiter: RateLimiter;
  verifyToken: TokenVerifier;
  /** Which X-Forwarded-For entry is the client's (INGRESS_PROXY_HOPS, DIRECT_PROXY_HOPS). */
  clientAddress: ClientAddressRules;
  /** A counter store slower than this is treated as failed (the request is served unlimited). */
  limiterTimeoutMs: number;
  logger: Logger;
}

class RateLimitedError extends AppError {
  constructor(v: Verdict) {
    super({
      status: 429,
      code: 'rate-limited',
      title: 'Too many requests',
      detail: `The limit of ${v.limit} requests is reached; retry in ${v.resetSeconds} s`,
      headers: rateLimitHeaders(v),
    });
  }
}

const forbidden = () =>
  new AppError({
    status: 403,
    code: 'forbidden',
    title: 'Forbidden',
    detail: 'Your account may not use this resource',
    headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' },
  });

/**
 * Before any upstream call: count the request per client, authenticate (routes that need a user), check
 * the role from the route table, then count per user. Rate limiting comes first so that guessing tokens
 * is limited too.
 */
export function guard(route: { access: Access; rateLimit: RateClass }, deps: GuardDeps): Middleware {
  return async (ctx, next) => {
    const clientId = clientAddress(ctx, deps.clientAddress);
    const verdicts: Verdict[] = [];
    await count(ctx, deps, route.rateLimit, `client:${clientId}`, verdicts);
    let identity: Identity | undefined;
    if (route.access !== 'public') {
      ctx.set('Cache-Control', 'no-store');
      const token = bearerToken(ctx.get('authorization') || undefined);
      if (!token) throw unauthorized('Sign in to use this resource');
      identity = await deps.verifyToken(token);
      if (authorize(route.access, identity) === 'forbidden') throw forbidden();
      await count(ctx, deps, route.rateLimit, `user:${identity.sub}`, verdicts);
    }
    (ctx.state as CallerState).clientId = clientId;
    if (identity) (ctx.state as CallerState).identity = identity;
    await next();
  };
}

async function count(ctx: Context, deps: GuardDeps, rateClass: RateClass, subject: string, verdicts: Verdict[]): Promise<void> {
  const v = await hitOrSkip(deps, rateClass, subject);
  if (!v) return;
  verdicts.push(v);
  ctx.set(rateLimitHeaders(strictest(verdicts)!));
  if (!v.allowed) throw new RateLimitedError(v);
}

/**
 * Fails OPEN: when the counter store is down or slow, the request is served without a limit and a warning
 * is logged. The limiter protects capacity, it is not an access control (authentication, authorization
 * and the users service's own sign-in lockout still hold), and a Redis outage must not take the whole
 * public API down with it.
 */
async function hitOrSkip(deps: GuardDeps, rateClass: RateClass, subject: string): Promise<Verdict | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deps.limiterTimeoutMs} ms`)), deps.limiterTimeoutMs);
  });
  try {
    return await Promise.race([deps.limiter.hit(rateClass, subject), slow]);
  } catch (err) {
    deps.logger.warn('rate limit not applied: the counter store failed', { err, 'rate_limit.class': rateClass });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
