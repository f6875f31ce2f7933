import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** One named dependency check for /readyz, e.g. the sidecar or the database. Throws or rejects when not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface Lifecycle {
  /** Set when shutdown begins, so /readyz turns traffic away while in-flight requests drain. */
  draining: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(c: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([c.check(), timeout]);
    return { name: c.name, ok: true };
  } catch (e) {
    return { name: c.name, ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

const alive = (ctx: { body: unknown }) => {
  ctx.body = { status: 'ok' };
};

/**
 * GET /healthz on the app port: what the sidecar's app health check asks there. It says only that the
 * process answers; readiness and metrics are on the operations listener (`healthRouter`).
 */
export function livenessRouter(): Router {
  return new Router().get('/healthz', alive);
}

/** The operations listener's endpoints (never the app port): /healthz, /readyz and Prometheus /metrics. */
export function healthRouter(checks: readonly ReadinessCheck[], lifecycle: Lifecycle, registry: Registry): Router {
  const router = new Router();
  router.get('/healthz', alive);
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(checks.map(runCheck));
    const ready = !lifecycle.draining && results.every((r) => r.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : lifecycle.draining ? 'draining' : 'not-ready', checks: results };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
