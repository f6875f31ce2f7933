import { bool, commonSettings, identitySettings, int, port, readConfig, str } from '@shop/kit';

export const settings = {
  ...commonSettings,
  port: port('APP_PORT', { doc: 'port the catalog app listens on', default: 3102 }),
  opsPort: port('OPS_PORT', { doc: 'port of the catalog operations listener (/readyz, /metrics)', default: 9302 }),
  secretStore: str('SECRET_STORE', {
    doc: 'Dapr secret store component holding the database URL and identity public key',
    default: 'secretstore',
  }),
  dbUrlSecret: str('CATALOG_DB_URL_SECRET', { doc: 'name of the secret with the PostgreSQL connection string', default: 'catalog-db-url' }),
  migrateOnStart: bool('CATALOG_MIGRATE_ON_START', { doc: 'run pending migrations at start-up (under an advisory lock)', default: false }),
  seedOnStart: bool('CATALOG_SEED_ON_START', { doc: 'load the deterministic demo catalog at start-up (idempotent)', default: false }),
  // Admin routes check the identity the gateway forwards.
  ...identitySettings,
  reservationTtlSeconds: int('RESERVATION_TTL_SECONDS', {
    doc: 'how long stock stays held for an order that is neither confirmed nor cancelled',
    default: 900,
    min: 1,
    max: 7 * 24 * 3600,
  }),
  sweepBatchSize: int('RESERVATION_SWEEP_BATCH', {
    doc: 'reservations one sweep transaction expires (or announces) at most',
    default: 100,
    min: 1,
    max: 1000,
  }),
  bodyLimit: str('BODY_LIMIT', { doc: 'largest JSON request body', default: '100kb', pattern: /^\d+(b|kb|mb)$/ }),
};

export type CatalogConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
