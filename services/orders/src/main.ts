import '@shop/kit/tracing';
import { createPgDataSource, migrateWithLock } from '@shop/pg';
import {
  createDaprClient,
  createLogger,
  createMetrics,
  identityPublicKey,
  readSecret,
  serve,
  sidecarPubsubs,
  sidecarReadiness,
  waitForSidecar,
  runMain,
} from '@shop/kit';
import { createOrdersApp } from './app';
import { loadConfig } from './config';
import { OrdersReadModel1767312000000 } from './store/migrations/1767312000000-read-model';
import { OrdersUnfinished1796050000000 } from './store/migrations/1796050000000-unfinished-orders';
import { DaprIdempotencyStore, DaprOrderEventStore } from './store/dapr-event-store';
import { TypeOrmOrderReadModel } from './store/typeorm-read-model';
import { DaprCartClient, DaprPaymentMethods } from './store/upstreams';

// config → dependencies → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'orders', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);

  const [dbUrl, identityKeyPem] = await Promise.all([
    readSecret(dapr, config.secretStore, config.dbUrlSecret),
    readSecret(dapr, config.secretStore, config.identityPublicKeySecret),
  ]);
  const identityKey = identityPublicKey(identityKeyPem);
  const db = createPgDataSource({
    service: 'orders',
    url: dbUrl,
    entities: [],
    migrations: [OrdersReadModel1767312000000, OrdersUnfinished1796050000000],
  });
  await db.initialize();
  if (config.migrateOnStart) await migrateWithLock(db, 'orders-migrations');

  const lifecycle = { draining: false };
  const app = createOrdersApp({
    events: new DaprOrderEventStore(dapr, config.eventStore),
    idempotency: new DaprIdempotencyStore(dapr, config.eventStore, config.idempotencyTtlSeconds),
    readModel: new TypeOrmOrderReadModel(db),
    cart: new DaprCartClient(dapr),
    paymentMethods: new DaprPaymentMethods(dapr),
    logger,
    metrics: createMetrics('orders'),
    now: () => new Date(),
    identityKey,
    fulfillmentBinding: config.fulfillmentBinding,
    redriveAfterMs: config.redriveAfterSeconds * 1000,
    readiness: [sidecarReadiness(config), { name: 'postgres', check: async () => void (await db.query('SELECT 1')) }],
    lifecycle,
    pubsubComponents: sidecarPubsubs(dapr),
    appApiToken: config.appApiToken,
    bodyLimit: config.bodyLimit,
  });
  await serve(app, {
    port: config.port,
    host: config.host,
    opsPort: config.opsPort,
    logger,
    lifecycle,
    drainMs: config.drainMs,
    onClose: [() => db.destroy(), () => dapr.stop()],
  });
}

runMain('orders', main);
