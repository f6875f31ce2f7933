import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ConfigOf, Settings } from '../config';
import type { EventHandler } from '../dapr/subscriptions';
import type { ReadinessCheck } from '../http/health';
import type { RouteDef } from '../http/route';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Sidecar } from '../sidecar';

// One way to write a service: a declaration of its settings, how its ports are made from the sidecar
// (and its database), and what it serves: HTTP routes, event handlers, input bindings. `runService`
// starts it for real; `serviceApp` builds the same app from fakes for a test.

/** A database the service opens with a connection string from its secret store. */
export interface OpenDatabase<D> {
  db: D;
  /** Applies pending migrations (one replica at a time); returns the names applied. */
  migrate(): Promise<string[]>;
  readiness: ReadinessCheck;
  close(): Promise<void>;
}

export interface DatabaseSpec<C, D> {
  /** The name of the secret that holds the connection string. */
  urlSecret(config: C): string;
  /** Whether to apply pending migrations at start-up. */
  migrateOnStart(config: C): boolean;
  open(url: string): Promise<OpenDatabase<D>>;
}

/** What the ports of a service are made from. */
export interface Infrastructure<C, D> {
  config: C;
  logger: Logger;
  metrics: Metrics;
  sidecar: Sidecar;
  db: D;
}

/** What routes, handlers and bindings are made with, besides the ports. */
export interface Wiring<C> {
  config: C;
  logger: Logger;
  metrics: Metrics;
}

/** An input binding: the sidecar POSTs its deliveries to `/<name>`, and nobody else may (404). */
export interface BindingDef {
  name: string;
  summary: string;
  handle(): Promise<unknown>;
}

export interface ServiceDefinition<S extends Settings, P, D = undefined> {
  /** The app id: names its logs, metrics and the audience of the identities forwarded to it. */
  name: string;
  settings: S;
  database?: DatabaseSpec<ConfigOf<S>, D>;
  /**
   * Whether the service checks identities the gateway forwards (with the key in the secret named by
   * the `identityPublicKeySecret` setting). Only the gateway, which signs them, says false.
   */
  verifiesIdentity?: boolean;
  /** What a signed-in non-admin gets from an admin route: 403 (false) or the 404 of a route that is not there. */
  hideAdminRoutes?: boolean;
  ports(infra: Infrastructure<ConfigOf<S>, D>): P | Promise<P>;
  /** Route declarations (with their `access`), or, for the gateway, routers of its own. */
  http(ports: P, wiring: Wiring<ConfigOf<S>>): ReadonlyArray<RouteDef | Router>;
  events?(ports: P, wiring: Wiring<ConfigOf<S>>): EventHandler<never>[];
  bindings?(ports: P, wiring: Wiring<ConfigOf<S>>): BindingDef[];
  /** The app's own middleware: `first` ahead of the kit's (every answer passes it), `afterBody` after body parsing. */
  middleware?(ports: P, wiring: Wiring<ConfigOf<S>>): { first?: Middleware[]; afterBody?: Middleware[] };
  /**
   * How the app port treats callers: `sidecar` (the default) refuses anything without APP_API_TOKEN and
   * trusts X-Forwarded-*; `public` (the gateway) serves clients, and reads their headers as theirs.
   */
  audience?: 'sidecar' | 'public';
  /** Runs once the app listens, e.g. to warm a cache in the background. */
  started?(ports: P, wiring: Wiring<ConfigOf<S>>): void;
}

export function defineService<S extends Settings, P, D = undefined>(definition: ServiceDefinition<S, P, D>): ServiceDefinition<S, P, D> {
  return definition;
}
