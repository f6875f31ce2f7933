import { type HttpMethod, type DaprClient } from '@dapr/dapr';
import { propagationHeaders } from '../context';
import { AppError, DependencyError } from '../errors';
import { describeFailure } from './sdk-errors';

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Calls another app through Dapr service invocation with the current request id and trace context.
 * A 4xx answer from the callee is rethrown as an AppError with its status (the caller decides whether
 * to expose it); an unreachable callee or a 5xx becomes a DependencyError (502/503).
 */
export async function invokeApp<T>(client: DaprClient, appId: string, path: string, options: InvokeOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET') as HttpMethod;
  const headers = { ...propagationHeaders(), ...options.headers };
  try {
    return (await client.invoker.invoke(appId, path.replace(/^\//, ''), method, options.body as object, { headers })) as T;
  } catch (e) {
    const failure = describeFailure(e);
    if (failure.status !== undefined && failure.status >= 400 && failure.status < 500) {
      const problem = (failure.body ?? {}) as { title?: string; detail?: string; type?: string };
      throw new AppError({
        status: failure.status,
        code: typeof problem.type === 'string' ? problem.type.split('/').pop() || 'upstream-rejected' : 'upstream-rejected',
        title: problem.title ?? 'Rejected by upstream service',
        ...(problem.detail ? { detail: problem.detail } : {}),
        cause: e,
      });
    }
    throw new DependencyError(`app ${appId}`, `${method} ${path} failed: ${failure.message}`, e, failure.status === undefined ? 503 : 502);
  }
}
