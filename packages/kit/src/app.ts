import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { accessLog, appTokenGuard, metricsTimer, problemHandler, requestContext } from './http/middleware';
import { healthRouter, type Lifecycle, type ReadinessCheck } from './http/health';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** The service's own routers (from `routerFor`, and `subscriptionRouter` for pub/sub). */
  routers: Router[];
  readiness?: ReadinessCheck[];
  lifecycle?: Lifecycle;
  /** APP_API_TOKEN: when set, only callers presenting it (the sidecar) get past the probes. */
  appApiToken?: string;
  /** Largest JSON body accepted, e.g. '100kb'. */
  bodyLimit?: string;
  /** Runs after body parsing and before the routers, e.g. `identityParser(key)`. */
  middleware?: Koa.Middleware[];
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** Builds the Koa app; never listens (main.ts does, tests use `app.callback()`). */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  // Errors are logged by the problem handler; Koa's own default would print them a second time.
  app.silent = true;
  app.use(requestContext());
  app.use(metricsTimer(deps.metrics));
  app.use(accessLog(deps.logger, PROBES));
  app.use(problemHandler(deps.logger));
  app.use(appTokenGuard(deps.appApiToken, PROBES));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      extendTypes: { json: ['application/json', 'application/cloudevents+json', 'application/*+json'] },
      jsonLimit: deps.bodyLimit ?? '100kb',
      encoding: 'utf-8',
    }),
  );
  for (const mw of deps.middleware ?? []) app.use(mw);
  const health = healthRouter(deps.readiness ?? [], deps.lifecycle ?? { draining: false }, deps.metrics.registry);
  // What daprd asks every app at start-up; a service with subscriptions answers /dapr/subscribe itself
  // (its router comes first), the rest answer "nothing" instead of logging a 404 per sidecar start.
  const daprDefaults = new Router();
  daprDefaults.get('/dapr/subscribe', (ctx) => void (ctx.body = []));
  daprDefaults.get('/dapr/config', (ctx) => void (ctx.body = {}));
  for (const router of [health, ...deps.routers, daprDefaults]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
