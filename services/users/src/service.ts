import { DaprFailureCounterStore } from './adapters/dapr-failure-counter-store';
import { openUsersDatabase } from './adapters/typeorm-data-source';
import { TypeOrmRefreshTokenStore } from './adapters/typeorm-refresh-token-store';
import { TypeOrmUserStore } from './adapters/typeorm-user-store';
import { defineService, type Logger } from '@shop/kit';
import { settings, type UsersConfig } from './config';
import { AccessTokenIssuer, type PublicJwk } from './domain/access-token';
import { Accounts } from './use-cases/accounts';
import { HashQueue } from './domain/hash-queue';
import { LoginThrottle } from './use-cases/login-throttle';
import { PasswordHasher } from './domain/password-hash';
import { RefreshTokens } from './use-cases/refresh-tokens';
import { Sessions } from './use-cases/sessions';
import { adminRoutes } from './routes/admin.routes';
import { jwksRoutes } from './routes/jwks.routes';
import { meRoutes } from './routes/me.routes';
import { sessionRoutes } from './routes/sessions.routes';
import { userRoutes } from './routes/users.routes';

export interface UsersPorts {
  accounts: Accounts;
  sessions: Sessions;
  jwks: { keys: PublicJwk[] };
}

/** Users: accounts, passwords, sessions (access and refresh tokens), and the keys that check them. */
export const usersService = defineService({
  name: 'users',
  settings,
  hideAdminRoutes: true,
  database: {
    urlSecret: (config) => config.dbUrlSecret,
    migrateOnStart: (config) => config.migrateOnStart,
    open: openUsersDatabase,
  },
  ports: async ({ config, logger, sidecar, db }): Promise<UsersPorts> => {
    const users = new TypeOrmUserStore(db);
    const passwords = new PasswordHasher();
    const hashing = new HashQueue({
      concurrency: config.hashConcurrency,
      maxWaitMs: config.hashMaxWaitMs,
      marginMs: config.hashDeadlineMarginMs,
      initialEstimateMs: 250,
    });
    const accounts = new Accounts({ users, passwords, hashing });
    if (config.bootstrapAdmin) await bootstrapAdmin(accounts, config, (name) => sidecar.secret(name), logger);
    const accessTokens = await AccessTokenIssuer.fromPem(await sidecar.secret(config.jwtKeySecret), {
      issuer: config.tokenIssuer,
      audience: config.tokenAudience,
      ttlSeconds: config.accessTokenTtlSeconds,
    });
    const window = config.failureWindowSeconds;
    const throttle = new LoginThrottle(new DaprFailureCounterStore(sidecar.state(config.stateStore)), {
      account: { maxFailures: config.maxFailuresPerAccount, windowSeconds: window },
      client: { maxFailures: config.maxFailuresPerClient, windowSeconds: window },
    });
    const refreshTokens = new RefreshTokens(new TypeOrmRefreshTokenStore(db), config.refreshTokenTtlSeconds);
    // In the queue, so that its time is the queue's first estimate of what a hash costs on this machine.
    await hashing.run(() => passwords.warmUp());
    return {
      accounts,
      sessions: new Sessions({ users, passwords, hashing, throttle, accessTokens, refreshTokens }),
      jwks: accessTokens.jwks,
    };
  },
  http: ({ accounts, sessions, jwks }) => [
    ...userRoutes(accounts),
    ...sessionRoutes(sessions),
    ...jwksRoutes(jwks),
    ...meRoutes(accounts),
    ...adminRoutes(accounts),
  ],
});

async function bootstrapAdmin(
  accounts: Accounts,
  config: UsersConfig,
  secret: (name: string) => Promise<string>,
  logger: Logger,
): Promise<void> {
  const admin = await accounts.bootstrapAdmin(await secret(config.adminEmailSecret), await secret(config.adminPasswordSecret));
  logger.info(admin.created ? 'admin account created' : 'admin account already exists');
  if (admin.passwordProblems.length) logger.warn('the bootstrapped admin password fails the password policy; change it');
}
