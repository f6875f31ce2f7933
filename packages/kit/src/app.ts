import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { accessLog, appTokenGuard, metricsTimer, problemHandler, requestContext } from './http/middleware';
import { livenessRouter, type Lifecycle, type ReadinessCheck } from './http/health';
import { attachOperations, createOperationsApp } from './http/operations';
import { textGuard } from './http/text-guard';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** The service's own routers (from `routerFor`, and `subscriptionRouter` for pub/sub). */
  routers: Router[];
  /** Checked by /readyz, which is served on the operations listener (`operationsOf`, OPS_PORT), not here. */
  readiness?: ReadinessCheck[];
  lifecycle?: Lifecycle;
  /** APP_API_TOKEN: when set, only callers presenting it (the sidecar) get past the probes. */
  appApiToken?: string;
  /** Largest JSON body accepted, e.g. '100kb'. */
  bodyLimit?: string;
  /** Runs after body parsing and before the routers. */
  middleware?: Koa.Middleware[];
  /** Runs first, ahead of the kit's own middleware: every answer (a 404, a 413 too) passes through it. */
  first?: Koa.Middleware[];
  /** Whether X-Forwarded-* are trusted (the sidecar's); false where clients write them (the gateway). */
  trustProxy?: boolean;
}

// The sidecar's app health check; /readyz and /metrics are on the operations app (`operationsOf(app)`).
const PROBES = new Set(['/healthz']);

/**
 * Builds the Koa app; never listens (main.ts does, tests use `app.callback()`). Its operations endpoints
 * (/readyz, /metrics) are a separate app, `operationsOf(app)`, which `serve` listens on at OPS_PORT.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = deps.trustProxy ?? true;
  // Errors are logged by the problem handler; Koa's own default would print them a second time.
  app.silent = true;
  for (const mw of deps.first ?? []) app.use(mw);
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
      encoding: 'latin1', // byte for byte: textGuard decodes strictly as UTF-8 (Node would hide invalid bytes)
    }),
  );
  app.use(textGuard());
  for (const mw of deps.middleware ?? []) app.use(mw);
  const health = livenessRouter();
  // What daprd asks every app at start-up; a service with subscriptions answers /dapr/subscribe itself
  // (its router comes first), the rest answer "nothing" instead of logging a 404 per sidecar start.
  const daprDefaults = new Router();
  daprDefaults.get('/dapr/subscribe', (ctx) => void (ctx.body = []));
  daprDefaults.get('/dapr/config', (ctx) => void (ctx.body = {}));
  for (const router of [health, ...deps.routers, daprDefaults]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return attachOperations(app, createOperationsApp(deps));
}
