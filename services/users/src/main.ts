import '@shop/kit/tracing';
import {
  createDaprClient,
  createLogger,
  createMetrics,
  DaprStateStore,
  identityPublicKey,
  readSecret,
  serve,
  sidecarReadiness,
  waitForSidecar,
  runMain,
} from '@shop/kit';
import { createUsersApp } from './app';
import { loadConfig } from './config';
import { AccessTokenIssuer } from './domain/access-token';
import { Accounts } from './domain/accounts';
import { HashQueue } from './domain/hash-queue';
import { LoginThrottle } from './domain/login-throttle';
import { PasswordHasher } from './domain/password-hash';
import { RefreshTokens } from './domain/refresh-tokens';
import { Sessions } from './domain/sessions';
import { DaprFailureCounterStore } from './store/dapr-failure-counter-store';
import { createDataSource, migrate } from './store/typeorm-data-source';
import { TypeOrmRefreshTokenStore } from './store/typeorm-refresh-token-store';
import { TypeOrmUserStore } from './store/typeorm-user-store';

// config → dependencies → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'users', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);
  const secret = (name: string) => readSecret(dapr, config.secretStore, name);

  const dataSource = createDataSource(await secret(config.dbUrlSecret));
  await dataSource.initialize();
  if (config.migrateOnStart) logger.info('migrations applied', { migrations: await migrate(dataSource) });

  const users = new TypeOrmUserStore(dataSource);
  const passwords = new PasswordHasher();
  const hashing = new HashQueue({
    concurrency: config.hashConcurrency,
    maxWaitMs: config.hashMaxWaitMs,
    marginMs: config.hashDeadlineMarginMs,
    initialEstimateMs: 250,
  });
  const accounts = new Accounts({ users, passwords, hashing });
  if (config.bootstrapAdmin) {
    const admin = await accounts.bootstrapAdmin(await secret(config.adminEmailSecret), await secret(config.adminPasswordSecret));
    logger.info(admin.created ? 'admin account created' : 'admin account already exists');
    if (admin.passwordProblems.length) logger.warn('the bootstrapped admin password fails the password policy; change it');
  }
  const accessTokens = await AccessTokenIssuer.fromPem(await secret(config.jwtKeySecret), {
    issuer: config.tokenIssuer,
    audience: config.tokenAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  const window = config.failureWindowSeconds;
  const throttle = new LoginThrottle(new DaprFailureCounterStore(new DaprStateStore(dapr, config.stateStore)), {
    account: { maxFailures: config.maxFailuresPerAccount, windowSeconds: window },
    client: { maxFailures: config.maxFailuresPerClient, windowSeconds: window },
  });
  const refreshTokens = new RefreshTokens(new TypeOrmRefreshTokenStore(dataSource), config.refreshTokenTtlSeconds);
  // In the queue, so that its time is the queue's first estimate of what a hash costs on this machine.
  await hashing.run(() => passwords.warmUp());

  const lifecycle = { draining: false };
  const app = createUsersApp({
    logger,
    metrics: createMetrics('users'),
    accounts,
    sessions: new Sessions({ users, passwords, hashing, throttle, accessTokens, refreshTokens }),
    jwks: accessTokens.jwks,
    identityKey: identityPublicKey(await secret(config.identityPublicKeySecret)),
    readiness: [sidecarReadiness(config), { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) }],
    lifecycle,
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

runMain('users', main);
