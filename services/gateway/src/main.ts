import '@shop/kit/tracing';
import {
  createDaprClient,
  createLogger,
  createMetrics,
  identitySigningKey,
  readSecret,
  serve,
  sidecarReadiness,
  waitForSidecar,
  runMain,
} from '@shop/kit';
import { createGatewayApp, jwksFromUsers } from './app';
import { loadConfig } from './config';
import { DaprCounterStore } from './store/dapr-counter-store';
import { DaprUpstream } from './upstream/dapr-upstream';

// config → sidecar → secrets → app → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'gateway', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);
  const identityKey = identitySigningKey(await readSecret(dapr, config.secretStore, config.identityPrivateKeySecret));

  const upstream = new DaprUpstream(dapr);
  const jwks = jwksFromUsers(upstream, config);
  // Warm the key cache, retrying in the background until users answers (services start in any order);
  // meanwhile routes that need a signed-in user answer 503 and public routes work.
  void jwks.warmUp(logger);

  const lifecycle = { draining: false };
  const app = createGatewayApp({
    config,
    logger,
    metrics: createMetrics('gateway'),
    upstream,
    counters: new DaprCounterStore(dapr, config.stateStore),
    identityKey,
    jwks,
    readiness: [sidecarReadiness(config)],
    lifecycle,
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

runMain('gateway', main);
