import type { KeyObject } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { createApp } from '../app';
import { settingDefaults, type ConfigOf, type Settings } from '../config';
import { subscriptionRouter } from '../dapr/subscriptions';
import type { Lifecycle, ReadinessCheck } from '../http/health';
import { route, routerFor, type RouteDef } from '../http/route';
import { identityVerifier } from '../identity';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { DEAD_LETTER_TOPIC } from '@shop/contracts';
import type { ServiceDefinition, Wiring } from './define';

/** What a service's app is built from: its ports (real or fake) and what the kit provides around them. */
export interface AppInputs<C, P> {
  ports: P;
  logger: Logger;
  metrics: Metrics;
  /** The configuration (`runService` gives all of it; a test may give part, the rest are the settings' defaults). */
  config?: Partial<C>;
  /** The gateway's public key, for a service that checks forwarded identities. */
  identityKey?: KeyObject;
  readiness?: ReadinessCheck[];
  lifecycle?: Lifecycle;
  /** The sidecar's pub/sub components: a topic with a component `<pubsub>-<topic>` is subscribed there. */
  pubsubComponents?: () => Promise<readonly string[]>;
}

/** The service's Koa app, wired from its definition; never listens (`runService` does, tests use `app.callback()`). */
export function serviceApp<S extends Settings, P, D>(definition: ServiceDefinition<S, P, D>, inputs: AppInputs<ConfigOf<S>, P>): Koa {
  const config = { ...settingDefaults(definition.settings), ...inputs.config } as ConfigOf<S>;
  const wiring: Wiring<ConfigOf<S>> = { config, logger: inputs.logger, metrics: inputs.metrics };
  const { ports } = inputs;
  const routers: Router[] = [];
  const handlers = definition.events?.(ports, wiring) ?? [];
  if (handlers.length) {
    routers.push(
      subscriptionRouter(handlers, inputs.logger, {
        deadLetterTopic: DEAD_LETTER_TOPIC,
        ...(inputs.pubsubComponents ? { pubsubComponents: inputs.pubsubComponents } : {}),
      }),
    );
  }
  const routes: RouteDef[] = (definition.bindings?.(ports, wiring) ?? []).map((b) =>
    route({ method: 'POST', path: `/${b.name}`, summary: b.summary, deliveryOnly: true, handle: () => b.handle() }),
  );
  const options = {
    ...(definition.verifiesIdentity === false
      ? {}
      : { identity: identityVerifier(required(inputs.identityKey, definition.name), definition.name) }),
    ...(definition.hideAdminRoutes ? { hideAdminRoutes: true } : {}),
  };
  for (const item of definition.http(ports, wiring)) {
    if (item instanceof Router) routers.push(item);
    else routes.push(item);
  }
  if (routes.length) routers.push(routerFor(routes, options));
  const middleware = definition.middleware?.(ports, wiring) ?? {};
  const sidecarOnly = (definition.audience ?? 'sidecar') === 'sidecar';
  const appApiToken = (config as { appApiToken?: string }).appApiToken;
  const bodyLimit = (config as { bodyLimit?: string }).bodyLimit;
  return createApp({
    logger: inputs.logger,
    metrics: inputs.metrics,
    routers,
    ...(inputs.readiness ? { readiness: inputs.readiness } : {}),
    ...(inputs.lifecycle ? { lifecycle: inputs.lifecycle } : {}),
    ...(sidecarOnly && appApiToken ? { appApiToken } : {}),
    ...(bodyLimit ? { bodyLimit } : {}),
    ...(middleware.first ? { first: middleware.first } : {}),
    ...(middleware.afterBody ? { middleware: middleware.afterBody } : {}),
    trustProxy: sidecarOnly,
  });
}

function required(key: KeyObject | undefined, service: string): KeyObject {
  if (!key) throw new Error(`${service} checks forwarded identities: give it the gateway's public key`);
  return key;
}
