import { availableParallelism } from 'node:os';
import { bool, identitySettings, int, readConfig, sharedSettings, str } from '@shop/kit';
import { defaultConcurrency } from './domain/hash-queue';

const secretName = (env: string, doc: string, fallback: string) =>
  str(env, { doc: `name of the secret holding ${doc}`, default: fallback });

export const settings = {
  ...sharedSettings({ port: 3101, opsPort: 9301, bodyLimit: '32kb' }),
  dbUrlSecret: secretName('USERS_DB_URL_SECRET', 'the PostgreSQL connection string', 'users-db-url'),
  jwtKeySecret: secretName('USERS_JWT_KEY_SECRET', 'the Ed25519 PKCS#8 PEM that signs access tokens', 'users-jwt-private-key'),
  ...identitySettings,
  adminEmailSecret: secretName('ADMIN_EMAIL_SECRET', 'the email of the admin account bootstrapped at start-up', 'admin-email'),
  adminPasswordSecret: secretName('ADMIN_PASSWORD_SECRET', "that admin's initial password", 'admin-password'),
  bootstrapAdmin: bool('USERS_BOOTSTRAP_ADMIN', { doc: 'create the admin account at start-up when it does not exist', default: true }),
  stateStore: str('STATE_STORE', { doc: 'Dapr state store component (ETags and TTL) for login failure counters', default: 'statestore' }),
  migrateOnStart: bool('USERS_MIGRATE_ON_START', { doc: 'run pending migrations at start-up (under an advisory lock)', default: false }),
  tokenIssuer: str('JWT_ISSUER', { doc: 'the `iss` of access tokens', default: 'shop-users' }),
  tokenAudience: str('JWT_AUDIENCE', { doc: 'the `aud` of access tokens', default: 'shop-api' }),
  accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', { doc: 'lifetime of an access token', default: 900, min: 60, max: 3600 }),
  refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', {
    doc: 'lifetime of each refresh token (every refresh issues a new one)',
    default: 14 * 24 * 3600,
    min: 300,
    max: 90 * 24 * 3600,
  }),
  maxFailuresPerAccount: int('LOGIN_MAX_FAILURES_PER_ACCOUNT', { doc: 'failed logins per account per window', default: 5, min: 1 }),
  maxFailuresPerClient: int('LOGIN_MAX_FAILURES_PER_CLIENT', { doc: 'failed logins per client address per window', default: 20, min: 1 }),
  failureWindowSeconds: int('LOGIN_FAILURE_WINDOW_SECONDS', {
    doc: 'length of the login throttling window, from its first failure',
    default: 900,
    min: 1,
    max: 86_400,
  }),
  hashConcurrency: int('HASH_CONCURRENCY', {
    doc: 'password hashes (scrypt, 32 MiB each) computed at once, the rest queued; by default one per CPU, at most the libuv thread pool (UV_THREADPOOL_SIZE, 4) less one',
    default: defaultConcurrency(availableParallelism(), Number(process.env.UV_THREADPOOL_SIZE) || 4),
    min: 1,
    max: 64,
  }),
  hashMaxWaitMs: int('HASH_MAX_WAIT_MS', {
    doc: "longest a sign-up or sign-in may wait for its password hash, queue included, before it is refused (503 overloaded, Retry-After); also caps the caller's x-request-deadline. Must be below the gateway's UPSTREAM_TIMEOUT_MS (5000)",
    default: 4_500,
    min: 100,
  }),
  hashDeadlineMarginMs: int('HASH_DEADLINE_MARGIN_MS', {
    doc: "time kept back from the caller's x-request-deadline for the rest of a sign-up or sign-in (stores, token, the way back)",
    default: 500,
    min: 0,
  }),
};

export type UsersConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
