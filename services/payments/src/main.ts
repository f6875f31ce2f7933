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
import { createPaymentsApp } from './app';
import { loadConfig } from './config';
import { DaprOutcomePublisher } from './events/dapr-outcome-publisher';
import { DaprPaymentMethodStore } from './store/dapr-payment-method-store';
import { DaprPaymentStore } from './store/dapr-payment-store';

// config → dependencies → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'payments', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);
  const identityKey = identityPublicKey(await readSecret(dapr, config.secretStore, config.identityPublicKeySecret));

  const lifecycle = { draining: false };
  const app = createPaymentsApp({
    logger,
    metrics: createMetrics('payments'),
    identityKey,
    methods: new DaprPaymentMethodStore(dapr, config.stateStore),
    payments: new DaprPaymentStore(dapr, config.stateStore),
    publisher: new DaprOutcomePublisher(dapr),
    readiness: [sidecarReadiness(config)],
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
    onClose: [() => dapr.stop()],
  });
}

runMain('payments', main);
