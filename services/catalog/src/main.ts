import '@shop/kit/tracing';
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
import { createCatalogApp } from './app';
import { loadConfig } from './config';
import { createDataSource, migrate } from './store/typeorm-data-source';
import { TypeOrmProductStore } from './store/typeorm-product-store';
import { TypeOrmStockStore } from './store/typeorm-stock-store';
import { daprEventPublisher } from './events/event-publisher';
import { seedCatalog } from './seed/seed';

// config → dependencies → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'catalog', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);

  const identityKey = identityPublicKey(await readSecret(dapr, config.secretStore, config.identityPublicKeySecret));
  const dataSource = createDataSource(await readSecret(dapr, config.secretStore, config.dbUrlSecret));
  await dataSource.initialize();
  if (config.migrateOnStart) await migrate(dataSource);
  if (config.seedOnStart) logger.info('catalog seeded', await seedCatalog(dataSource));

  const lifecycle = { draining: false };
  const app = createCatalogApp({
    logger,
    metrics: createMetrics('catalog'),
    store: new TypeOrmProductStore(dataSource),
    stock: new TypeOrmStockStore(dataSource),
    events: daprEventPublisher(dapr),
    identityKey,
    reservationTtlSeconds: config.reservationTtlSeconds,
    sweepBatchSize: config.sweepBatchSize,
    readiness: [sidecarReadiness(config), { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) }],
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
    onClose: [() => dataSource.destroy(), () => dapr.stop()],
  });
}

runMain('catalog', main);
