import { readConfig, type ConfigOf, type Settings } from '../config';
import { DaprSidecar } from '../dapr/dapr-sidecar';
import { identityPublicKey } from '../identity';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { runMain, serve } from '../server';
import { serviceApp } from './app';
import type { OpenDatabase, ServiceDefinition } from './define';

/** The settings `runService` reads of every service (`sharedSettings`, `identitySettings`). */
interface Started {
  port: number;
  host: string;
  opsPort: number;
  logLevel: string;
  daprHost: string;
  daprHttpPort: number;
  daprApiToken?: string | undefined;
  secretStore: string;
  sidecarWaitMs: number;
  drainMs: number;
  identityPublicKeySecret?: string;
}

/**
 * Starts a service for real: configuration → sidecar (waited for, bounded) → secrets → database and
 * migrations → ports → app → listen, with readiness on the operations port and a drain on SIGTERM.
 * A failure to start is printed and exits 1.
 */
export function runService<S extends Settings, P, D>(definition: ServiceDefinition<S, P, D>): void {
  runMain(definition.name, () => start(definition));
}

async function start<S extends Settings, P, D>(definition: ServiceDefinition<S, P, D>): Promise<void> {
  const config = readConfig(definition.settings) as ConfigOf<S> & Started;
  const logger = createLogger({ service: definition.name, level: config.logLevel });
  const metrics = createMetrics(definition.name);
  const sidecar = await DaprSidecar.connect(config, logger);
  const closing: Array<() => Promise<void>> = [() => sidecar.stop()];
  const readiness = [sidecar.readiness];
  let database: OpenDatabase<D> | undefined;
  if (definition.database) {
    database = await definition.database.open(await sidecar.secret(definition.database.urlSecret(config)));
    closing.unshift(() => database!.close());
    readiness.push(database.readiness);
    if (definition.database.migrateOnStart(config)) logger.info('migrations applied', { migrations: await database.migrate() });
  }
  const identityKey = definition.verifiesIdentity === false ? undefined : identityPublicKey(await sidecar.secret(identitySecret(config)));
  const ports = await definition.ports({ config, logger, metrics, sidecar, db: database?.db as D });
  const lifecycle = { draining: false };
  const app = serviceApp(definition, {
    ports,
    config,
    logger,
    metrics,
    readiness,
    lifecycle,
    pubsubComponents: () => sidecar.pubsubs(),
    ...(identityKey ? { identityKey } : {}),
  });
  await serve(app, { ...config, logger, lifecycle, onClose: closing });
  definition.started?.(ports, { config, logger, metrics });
}

function identitySecret(config: Started): string {
  if (!config.identityPublicKeySecret) throw new Error('a service that checks forwarded identities needs the identitySettings');
  return config.identityPublicKeySecret;
}
