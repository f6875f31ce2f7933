import { IDENTITY_DELEGATED_HEADER, IDENTITY_HEADER, IDENTITY_SIG_HEADER } from '@shop/kit';
import type { Context, Middleware } from 'koa';

// What every answer of the public edge carries, whatever route (or none) handled it: it runs before the
// kit's middleware, so 404, 405 and 413 answers get the same headers.

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // The API serves JSON only: nothing may load from it, and nothing may frame it.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

const CORS_ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent';
const CORS_EXPOSE_HEADERS = 'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Request-Id, WWW-Authenticate';

export interface EdgeOptions {
  corsOrigins: readonly string[];
}

export function edge(options: EdgeOptions): Middleware {
  const allowed = new Set(options.corsOrigins);
  return async (ctx, next) => {
    // Upstreams trust only the identity the gateway signs; a client's own copy never goes further.
    delete ctx.req.headers[IDENTITY_HEADER];
    delete ctx.req.headers[IDENTITY_SIG_HEADER];
    delete ctx.req.headers[IDENTITY_DELEGATED_HEADER];
    ctx.set(SECURITY_HEADERS);
    if (ctx.get('authorization')) ctx.set('Cache-Control', 'no-store');
    if (cors(ctx, allowed)) return;
    await next();
  };
}

/** Adds CORS headers for an allowed origin; answers a preflight itself (true). Other origins get none. */
function cors(ctx: Context, allowed: ReadonlySet<string>): boolean {
  const origin = ctx.get('origin');
  const preflight = ctx.method === 'OPTIONS' && Boolean(origin) && Boolean(ctx.get('access-control-request-method'));
  if (allowed.size) ctx.vary('Origin');
  if (origin && allowed.has(origin)) {
    ctx.set('Access-Control-Allow-Origin', origin);
    if (preflight) {
      ctx.set({
        'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
        'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
      });
    } else {
      ctx.set('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
    }
  }
  // A refused origin's preflight is answered too, without CORS headers: the browser then blocks the call.
  if (preflight) ctx.status = 204;
  return preflight;
}
