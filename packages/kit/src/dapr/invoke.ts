import { type HttpMethod, type DaprClient } from '@dapr/dapr';
import { propagationHeaders } from '../context';
import { AppError, DependencyError } from '../errors';
import { describeFailure, type SidecarFailure } from './sdk-errors';
import type { InvokeOptions } from '../sidecar';

// What the sidecar answered for a failed call, parsed once, kept with the error thrown for it.
const failures = new WeakMap<Error, SidecarFailure>();

/**
 * The sidecar's answer behind an error `invokeApp` threw: its status and body (the callee's problem with
 * its field errors, or the sidecar's own `{errorCode, message}`), or undefined for any other error.
 */
export function invocationFailure(error: unknown): SidecarFailure | undefined {
  return error instanceof Error ? failures.get(error) : undefined;
}

function withFailure<E extends Error>(error: E, failure: SidecarFailure): E {
  failures.set(error, failure);
  return error;
}

/** Longest Retry-After taken from a callee (a day): beyond it, a value is a mistake. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * Calls another app through Dapr service invocation with the current request id and trace context.
 * A 4xx answer from the callee is rethrown as an AppError with its status (the caller decides whether
 * to expose it), as is a 503 in which the callee sheds load (its problem says `retryAfter`); the callee's
 * Retry-After comes along as a header (the SDK drops headers; the kit's problems repeat it in the body).
 * An unreachable callee or any other 5xx becomes a DependencyError (502/503).
 */
export async function invokeApp<T>(client: DaprClient, appId: string, path: string, options: InvokeOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET') as HttpMethod;
  const headers = { ...propagationHeaders(), ...options.headers };
  try {
    return (await client.invoker.invoke(appId, path.replace(/^\//, ''), method, options.body as object, { headers })) as T;
  } catch (e) {
    const failure = describeFailure(e);
    const problem = (failure.body && typeof failure.body === 'object' ? failure.body : {}) as {
      title?: unknown;
      detail?: unknown;
      type?: unknown;
      retryAfter?: unknown;
    };
    const retryAfter =
      typeof problem.retryAfter === 'number' && problem.retryAfter > 0
        ? Math.min(MAX_RETRY_AFTER_SECONDS, Math.ceil(problem.retryAfter))
        : undefined;
    const status = failure.status;
    if (status !== undefined && ((status >= 400 && status < 500) || (status === 503 && retryAfter !== undefined))) {
      throw withFailure(
        new AppError({
          status,
          code: typeof problem.type === 'string' ? problem.type.split('/').pop() || 'upstream-rejected' : 'upstream-rejected',
          title: typeof problem.title === 'string' ? problem.title : 'Rejected by upstream service',
          ...(typeof problem.detail === 'string' && problem.detail ? { detail: problem.detail } : {}),
          // The callee's problem holds a detail only when the callee chose to show it.
          ...(status >= 500 ? { expose: true } : {}),
          ...(retryAfter === undefined ? {} : { headers: { 'Retry-After': String(retryAfter) } }),
          cause: e,
        }),
        failure,
      );
    }
    throw withFailure(
      new DependencyError(`app ${appId}`, `${method} ${path} failed: ${failure.message}`, e, failure.status === undefined ? 503 : 502),
      failure,
    );
  }
}
