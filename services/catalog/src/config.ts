import { bool, commonSettings, port, readConfig, str } from '@shop/kit';

export const settings = {
  ...commonSettings,
  port: port('APP_PORT', { doc: 'port the catalog app listens on', default: 3102 }),
  secretStore: str('SECRET_STORE', { doc: 'Dapr secret store component holding the database URL', default: 'secretstore' }),
  dbUrlSecret: str('CATALOG_DB_URL_SECRET', { doc: 'name of the secret with the PostgreSQL connection string', default: 'catalog-db-url' }),
  migrateOnStart: bool('CATALOG_MIGRATE_ON_START', { doc: 'run pending migrations at start-up (under an advisory lock)', default: false }),
  seedOnStart: bool('CATALOG_SEED_ON_START', { doc: 'load the deterministic demo catalog at start-up (idempotent)', default: false }),
  bodyLimit: str('BODY_LIMIT', { doc: 'largest JSON request body', default: '100kb', pattern: /^\d+(b|kb|mb)$/ }),
};

export type CatalogConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
