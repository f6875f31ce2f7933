import { bool, identitySettings, int, readConfig, sharedSettings, str } from '@shop/kit';

export const settings = {
  ...sharedSettings({ port: 3102, opsPort: 9302, bodyLimit: '100kb' }),
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
};

export type CatalogConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
