import type { KeyObject } from 'node:crypto';
import {
  createApp,
  routerFor,
  type Lifecycle,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  adminOnly,
  behindIdentity,
  identityVerifier,
} from '@shop/kit';
import type { Accounts } from './domain/accounts';
import type { PublicJwk } from './domain/access-token';
import type { Sessions } from './domain/sessions';
import { adminRoutes } from './routes/admin.routes';
import { jwksRoutes } from './routes/jwks.routes';
import { meRoutes } from './routes/me.routes';
import { sessionRoutes } from './routes/sessions.routes';
import { userRoutes } from './routes/users.routes';

export interface UsersDeps {
  logger: Logger;
  metrics: Metrics;
  accounts: Accounts;
  sessions: Sessions;
  jwks: { keys: PublicJwk[] };
  /** The gateway's Ed25519 public key (secret `gateway-identity-public-key`): a forwarded identity must be signed with it, for `users`. */
  identityKey: KeyObject;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

/** The users app, wired from its dependencies; main.ts provides real ones, tests may provide fakes. */
export function createUsersApp(deps: UsersDeps) {
  const identity = identityVerifier(deps.identityKey, 'users');
  return createApp({
    logger: deps.logger,
    metrics: deps.metrics,
    routers: [
      routerFor([...userRoutes(deps.accounts), ...sessionRoutes(deps.sessions), ...jwksRoutes(deps.jwks)]),
      behindIdentity(identity, routerFor(meRoutes(deps.accounts))),
      behindIdentity(identity, routerFor(adminRoutes(deps.accounts)), adminOnly({ hide: true })),
    ],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
