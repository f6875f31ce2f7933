import { defineService, identitySigningKey, type Wiring } from '@shop/kit';
import type { KeyObject } from 'node:crypto';
import { DaprCounterStore } from './adapters/dapr-counter-store';
import { DaprUpstream } from './adapters/dapr-upstream';
import { JwksCache } from './adapters/jwks-cache';
import { settings, type GatewayConfig } from './config';
import { RateLimiter } from './domain/rate-limiter';
import { createTokenVerifier } from './domain/verify-token';
import type { CounterStore, Upstream } from './ports';
import { callerChannel } from './routes/client-address';
import { edge } from './routes/edge';
import { localHandlers } from './routes/local-handlers';
import { gatewayRouter } from './routes/router';
import { routeTable } from './routes/table';
import { callWithDeadline } from './use-cases/call-upstream';

export interface GatewayPorts {
  /** Every other app of the shop: Dapr invocation for real, a fake in component tests. */
  upstream: Upstream;
  /** Rate-limit counters shared by all replicas: the Dapr state store for real, in memory in tests. */
  counters: CounterStore;
  /** The Ed25519 private key that signs the identity forwarded to each upstream (a secret only the gateway reads). */
  identityKey: KeyObject;
  /** The users service's signing keys, fetched from it through `upstream`. */
  jwks: JwksCache;
}

/** The signing keys of access tokens, from the users service's JWKS endpoint. */
export function jwksFromUsers(upstream: Upstream, config: GatewayConfig): JwksCache {
  return new JwksCache(
    () => callWithDeadline(upstream, { appId: 'users', method: 'GET', path: '/.well-known/jwks.json' }, config.upstreamTimeoutMs),
    { refetchMs: config.jwksRefetchMs },
  );
}

/** The public API: every route of the table, authenticated, authorized, rate-limited and sent upstream. */
export const gatewayService = defineService({
  name: 'gateway',
  settings,
  // The gateway signs the identities the others check; it checks bearer tokens, per route.
  verifiesIdentity: false,
  // Reached on its port or through the ingress sidecar: a call without APP_API_TOKEN is not refused (the
  // token tells a call through Dapr from a direct one, http/client-address.ts), and X-Forwarded-* are the
  // client's, read only by `clientAddress`.
  audience: 'public',
  ports: async ({ config, sidecar }): Promise<GatewayPorts> => {
    const upstream = new DaprUpstream(sidecar);
    return {
      upstream,
      counters: new DaprCounterStore(sidecar.state(config.stateStore)),
      identityKey: identitySigningKey(await sidecar.secret(config.identityPrivateKeySecret)),
      jwks: jwksFromUsers(upstream, config),
    };
  },
  http: (ports, wiring) => [router(ports, wiring)],
  middleware: (_, { config }) => ({
    // First in the chain, so that every answer (404, 413 too) gets the security and CORS headers, and a
    // client's identity headers are gone before anything reads them.
    first: [edge({ corsOrigins: config.corsOrigins })],
    afterBody: [callerChannel(config.appApiToken)],
  }),
  // Warm the key cache, retrying in the background until users answers (services start in any order);
  // meanwhile routes that need a signed-in user answer 503 and public routes work.
  started: ({ jwks }, { logger }) => void jwks.warmUp(logger),
});

function router({ upstream, counters, identityKey, jwks }: GatewayPorts, { config, logger }: Wiring<GatewayConfig>) {
  return gatewayRouter(routeTable, {
    limiter: new RateLimiter(counters, {
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
    identityKey,
    locals: localHandlers({ upstream, identityKey, overviewPartTimeoutMs: config.overviewPartTimeoutMs, logger }),
  });
}
