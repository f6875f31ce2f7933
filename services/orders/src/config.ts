import { bool, identitySettings, int, readConfig, sharedSettings, str } from '@shop/kit';

export const settings = {
  ...sharedSettings({ port: 3104, opsPort: 9304, bodyLimit: '100kb' }),
  dbUrlSecret: str('ORDERS_DB_URL_SECRET', { doc: 'secret with the PostgreSQL URL of the read model', default: 'orders-db-url' }),
  ...identitySettings,
  eventStore: str('ORDERS_STATE_STORE', { doc: 'Dapr state store holding the order events (with outbox)', default: 'orderstore' }),
  fulfillmentBinding: str('FULFILLMENT_BINDING', { doc: 'name of the cron input binding that ships orders', default: 'fulfillment-cron' }),
  redriveAfterSeconds: int('SAGA_REDRIVE_AFTER_SECONDS', {
    doc: 'an unfinished order whose last event is older than this has that event published again (a lost publish stalls its saga)',
    default: 60,
    min: 5,
  }),
  idempotencyTtlSeconds: int('IDEMPOTENCY_TTL_SECONDS', { doc: 'how long an Idempotency-Key is remembered', default: 86_400, min: 60 }),
  migrateOnStart: bool('ORDERS_MIGRATE_ON_START', {
    doc: 'run pending read-model migrations at start-up (under an advisory lock)',
    default: false,
  }),
};

export type OrdersConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
