import { int, readConfig, sharedSettings, str, type Setting } from '@shop/kit';

/** A comma-separated list of browser origins (`https://shop.example`), each checked at start-up. */
const origins = (env: string, doc: string): Setting<string[]> => ({
  env,
  doc,
  expect: 'comma-separated origins such as https://shop.example,http://localhost:5173',
  fallback: [],
  parse: (raw) => {
    const list = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!list.every((o) => /^https?:\/\/[^/\s]+$/.test(o))) throw new Error('invalid');
    return list;
  },
});

/** A variable that no longer means anything: set, it stops start-up rather than be silently ignored. */
const retired = (env: string, replacedBy: string): Setting<undefined> => ({
  env,
  doc: `retired; replaced by ${replacedBy}`,
  expect: `it unset (replaced by ${replacedBy})`,
  fallback: undefined,
  parse: () => {
    throw new Error('retired');
  },
});

const limit = (env: string, doc: string, fallback: number) => int(env, { doc, default: fallback, min: 1 });

export const settings = {
  // The app port is the public API (and the sidecar's channel); the operations port is never public.
  ...sharedSettings({ port: 3000, opsPort: 9300, bodyLimit: '100kb' }),
  identityPrivateKeySecret: str('GATEWAY_IDENTITY_PRIVATE_KEY_SECRET', {
    doc: 'name of the secret with the Ed25519 private key (PKCS#8 PEM) that signs the identity forwarded to upstreams; no other service reads it',
    default: 'gateway-identity-private-key',
  }),
  stateStore: str('RATE_LIMIT_STATE_STORE', { doc: 'Dapr state store component holding the rate-limit counters', default: 'statestore' }),
  corsOrigins: origins('CORS_ORIGINS', 'browser origins allowed to call the API (CORS); empty allows none'),
  // Where rate limits and the sign-in throttle find the client's address (http/client-address.ts): a
  // count of trusted hops from the right of X-Forwarded-For, never an entry a client could have written.
  ingressProxyHops: int('INGRESS_PROXY_HOPS', {
    doc: 'for calls through Dapr (they carry the app token): proxies in front of the ingress sidecar that set X-Forwarded-For; 0 when clients call the ingress sidecar itself (locally), 1 behind ingress-nginx (k8s)',
    default: 0,
    min: 0,
    max: 8,
  }),
  directProxyHops: int('DIRECT_PROXY_HOPS', {
    doc: 'for calls on the gateway port without the app token: trusted proxies in front of the port that append X-Forwarded-For; 0 takes the socket peer',
    default: 0,
    min: 0,
    max: 8,
  }),
  trustProxyRetired: retired('TRUST_PROXY', 'INGRESS_PROXY_HOPS and DIRECT_PROXY_HOPS'),
  rateLimitWindowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', { doc: 'length of one fixed rate-limit window', default: 60, min: 1 }),
  rateLimitAuth: limit('RATE_LIMIT_AUTH', 'requests per window and client to register and sign in', 10),
  rateLimitRead: limit('RATE_LIMIT_READ', 'reads per window and client (and per signed-in user)', 300),
  rateLimitWrite: limit('RATE_LIMIT_WRITE', 'writes per window and client (and per signed-in user)', 60),
  rateLimitLeaseMax: int('RATE_LIMIT_LEASE_MAX', {
    doc: 'most requests a replica counts ahead in one counter-store write (1: one write per request, nothing leased ahead)',
    default: 64,
    min: 1,
    max: 10_000,
  }),
  rateLimitStoreTimeoutMs: int('RATE_LIMIT_STORE_TIMEOUT_MS', {
    doc: 'how long a request waits for the counter store before it is served unlimited',
    default: 500,
    min: 1,
  }),
  upstreamTimeoutMs: int('UPSTREAM_TIMEOUT_MS', {
    doc: 'deadline of one upstream call (sent as x-request-deadline)',
    default: 5_000,
    min: 1,
  }),
  overviewPartTimeoutMs: int('OVERVIEW_PART_TIMEOUT_MS', { doc: 'deadline of each part of GET /me/overview', default: 1_500, min: 1 }),
  jwtIssuer: str('JWT_ISSUER', { doc: 'required `iss` of access tokens', default: 'shop-users' }),
  jwtAudience: str('JWT_AUDIENCE', { doc: 'required `aud` of access tokens', default: 'shop-api' }),
  jwksRefetchMs: int('JWKS_REFETCH_MS', {
    doc: 'least time between two JWKS fetches caused by an unknown key id',
    default: 30_000,
    min: 0,
  }),
};

export type GatewayConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
