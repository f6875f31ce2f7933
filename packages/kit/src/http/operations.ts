import Koa from 'koa';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { healthRouter, type Lifecycle, type ReadinessCheck } from './health';
import { accessLog, problemHandler } from './middleware';

// Operational endpoints (/readyz, /metrics) are never served on the app port: on the gateway that port is
// the public API, and elsewhere it is what the sidecar invokes. Each app built by `createApp` carries a
// second, small app for them, which `serve` listens on at OPS_PORT (same host): probes and Prometheus
// call it there, and only NetworkPolicies decide who else may.

export interface OperationsDeps {
  logger: Logger;
  metrics: Metrics;
  readiness?: readonly ReadinessCheck[];
  lifecycle?: Lifecycle;
}

const OPERATIONS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const operationsApps = new WeakMap<Koa, Koa>();

/** The operations listener's app: /healthz, /readyz and /metrics, problem+json for anything else. */
export function createOperationsApp(deps: OperationsDeps): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(accessLog(deps.logger, OPERATIONS_PATHS));
  app.use(problemHandler(deps.logger));
  const router = healthRouter(deps.readiness ?? [], deps.lifecycle ?? { draining: false }, deps.metrics.registry);
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}

/** Pairs an app with its operations app (createApp does it); `operationsOf` finds it again. */
export function attachOperations(app: Koa, operations: Koa): Koa {
  operationsApps.set(app, operations);
  return app;
}

/** The operations app of an app built by `createApp`: what `serve` listens on at OPS_PORT, and what tests call. */
export function operationsOf(app: Koa): Koa {
  const operations = operationsApps.get(app);
  if (!operations) throw new Error('this app has no operations endpoints: build it with createApp');
  return operations;
}
