import type { KeyObject } from 'node:crypto';
import { createApp, type Lifecycle, type Logger, type Metrics, type ReadinessCheck } from '@shop/kit';
import type Koa from 'koa';
import { JwksCache } from './auth/jwks-cache';
import { createTokenVerifier } from './auth/verify-token';
import type { GatewayConfig } from './config';
import { RateLimiter } from './domain/rate-limiter';
import { callerChannel } from './http/client-address';
import { edge } from './http/edge';
import { localHandlers } from './routes/local-handlers';
import { gatewayRouter } from './routes/router';
import { routeTable } from './routes/table';
import type { CounterStore } from './store/counter-store';
import { callWithDeadline, type Upstream } from './upstream/upstream';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  metrics: Metrics;
  /** Every other app of the shop: Dapr invocation in main.ts, a fake in component tests. */
  upstream: Upstream;
  /** Rate-limit counters shared by all replicas: the Dapr state store in main.ts, in memory in tests. */
  counters: CounterStore;
  /** The Ed25519 private key that signs the identity forwarded to each upstream (a secret only the gateway reads). */
  identityKey: KeyObject;
  /** The users service's signing keys; by default fetched from it through `upstream`. */
  jwks?: JwksCache;
  readiness?: ReadinessCheck[];
  lifecycle?: Lifecycle;
}

/** The signing keys of access tokens, from the users service's JWKS endpoint. */
export function jwksFromUsers(upstream: Upstream, config: GatewayConfig): JwksCache {
  return new JwksCache(
    () => callWithDeadline(upstream, { appId: 'users', method: 'GET', path: '/.well-known/jwks.json' }, config.upstreamTimeoutMs),
    {
      refetchMs: config.jwksRefetchMs,
    },
  );
}

/** The public API, wired from its dependencies; never listens (main.ts does, tests use `app.callback()`). */
export function createGatewayApp(deps: GatewayDeps): Koa {
  const { config, logger, upstream } = deps;
  const jwks = deps.jwks ?? jwksFromUsers(upstream, config);
  const router = gatewayRouter(routeTable, {
    limiter: new RateLimiter(deps.counters, {
      limits: { auth: config.rateLimitAuth, read: config.rateLimitRead, write: config.rateLimitWrite },
      windowSeconds: config.rateLimitWindowSeconds,
      maxBlock: config.rateLimitLeaseMax,
      // The guard gives up (and serves unlimited) at this point anyway; a lease slower than that is abandoned.
      leaseTimeoutMs: config.rateLimitStoreTimeoutMs,
    }),
    verifyToken: createTokenVerifier(jwks.resolve, { issuer: config.jwtIssuer, audience: config.jwtAudience }),
    clientAddress: { ingressProxyHops: config.ingressProxyHops, directProxyHops: config.directProxyHops },
    limiterTimeoutMs: config.rateLimitStoreTimeoutMs,
    logger,
    upstream,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    identityKey: deps.identityKey,
    locals: localHandlers({ upstream, identityKey: deps.identityKey, overviewPartTimeoutMs: config.overviewPartTimeoutMs, logger }),
  });
  // The gateway is the public entry, reached on its port or through the ingress sidecar, so a call without
  // APP_API_TOKEN is not refused here (its authentication is the bearer token, per route): the token tells
  // a call through Dapr from a direct one, which decides where the client address comes from, and a wrong
  // token is refused (http/client-address.ts).
  const app = createApp({
    logger,
    metrics: deps.metrics,
    routers: [router],
    bodyLimit: config.bodyLimit,
    middleware: [callerChannel(config.appApiToken)],
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...(deps.lifecycle ? { lifecycle: deps.lifecycle } : {}),
  });
  // The kit trusts X-Forwarded-* always; here a client writes them, and only `clientAddress` reads them.
  app.proxy = false;
  // First in the chain, ahead of the kit's middleware, so that every answer (404, 413 too) gets the
  // security and CORS headers, and a client's identity headers are gone before anything reads them.
  app.middleware.unshift(edge({ corsOrigins: config.corsOrigins }));
  return app;
}
