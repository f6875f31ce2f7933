import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { AppError, bounded, retryAfterSeconds } from '../errors';
import { parseTraceparent, requestIdFrom, runWithContext } from '../context';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** Request id and W3C trace context, available to every log line of the request and echoed back. */
export function requestContext(): Middleware {
  return async (ctx, next) => {
    const requestId = requestIdFrom(ctx.get('x-request-id') || undefined);
    ctx.set('x-request-id', requestId);
    await runWithContext({ requestId, ...parseTraceparent(ctx.get('traceparent') || undefined) }, next);
  };
}

function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { routerPath?: string }).routerPath;
  return matched === undefined ? 'unmatched' : String(matched);
}

/** Request duration by route template (never the raw path: ids would explode the label set). */
export function metricsTimer(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const end = metrics.httpDuration.startTimer({ method: ctx.method });
    try {
      await next();
    } finally {
      end({ route: routeOf(ctx), status: String(ctx.status) });
    }
  };
}

/** A path as logged and echoed in a problem's `instance`: the client chooses it, up to the header limit. */
const MAX_PATH_SHOWN = 1024;

export function accessLog(logger: Logger, quietPaths: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      if (!quietPaths.has(ctx.path) || ctx.status >= 400) {
        logger.info('request', {
          'http.request.method': ctx.method,
          'url.path': bounded(ctx.path, MAX_PATH_SHOWN),
          'http.route': routeOf(ctx),
          'http.response.status_code': ctx.status,
          'event.duration': Number(process.hrtime.bigint() - started),
        });
      }
    }
  };
}

export const PROBLEM_BASE = 'https://shop.example/problems/';

/** The one place errors become responses: RFC 9457 problem+json, internals never exposed. */
export function problemHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${ctx.method} ${ctx.path}` });
      }
    } catch (caught) {
      const err = asAppError(caught);
      // A 5xx the service chose to explain (it sheds load: 503 overloaded) is an answer, not a failure.
      if (err.status >= 500 && !err.expose) logger.error('request failed', { err: caught });
      else logger.warn('request rejected', { 'error.code': err.code, 'error.message': err.detail ?? err.title });
      const retryAfter = retryAfterSeconds(err.headers);
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: PROBLEM_BASE + err.code,
        title: err.title,
        status: err.status,
        ...(err.expose && err.detail ? { detail: err.detail } : {}),
        ...(err.errors ? { errors: err.errors } : {}),
        ...(err.errorsOmitted > 0 ? { errorsOmitted: err.errorsOmitted } : {}),
        // Retry-After, said in the body too: service invocation through the SDK keeps bodies, not headers.
        ...(retryAfter === undefined ? {} : { retryAfter }),
        instance: bounded(ctx.path, MAX_PATH_SHOWN),
      };
    }
  };
}

const CLIENT_ERRORS: Record<number, [string, string]> = {
  405: ['method-not-allowed', 'Method not allowed'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
};

/** Maps what Koa and its middleware throw (body too large, bad JSON) onto the one error model. */
function asAppError(caught: unknown): AppError {
  if (caught instanceof AppError) return caught;
  const e = caught as { status?: number; statusCode?: number; expose?: boolean; message?: string; type?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [code, title] = CLIENT_ERRORS[status] ?? ['bad-request', 'Bad request'];
    return new AppError({ status, code, title, detail: e.expose ? e.message : undefined, cause: caught });
  }
  return new AppError({ status: 500, code: 'internal', title: 'Internal error', expose: false, cause: caught });
}

/**
 * With APP_API_TOKEN set, the sidecar adds `dapr-api-token` to every call it makes to the app; a caller
 * who reaches the app port directly, without it, is refused. Probes and metrics are exempt.
 */
export function appTokenGuard(token: string | undefined, exempt: ReadonlySet<string>): Middleware {
  const expected = token ? Buffer.from(token) : undefined;
  return async (ctx: Context, next: Next) => {
    if (expected && !exempt.has(ctx.path)) {
      const given = Buffer.from(ctx.get('dapr-api-token'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new AppError({
          status: 401,
          code: 'app-token-required',
          title: 'Unauthorized',
          detail: 'Calls must come through the Dapr sidecar',
        });
      }
    }
    await next();
  };
}
