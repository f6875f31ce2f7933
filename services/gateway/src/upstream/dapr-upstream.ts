import type { DaprClient } from '@dapr/dapr';
import { AppError, DependencyError, invokeApp, type FieldProblem } from '@shop/kit';
import type { Upstream, UpstreamRequest } from './upstream';

/** Seconds a client is told to wait after an upstream 429 that did not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Upstream calls through the gateway's own sidecar (Dapr service invocation, trace context propagated). */
export class DaprUpstream implements Upstream {
  constructor(private readonly client: DaprClient) {}

  async call(request: UpstreamRequest): Promise<unknown> {
    try {
      return await invokeApp<unknown>(this.client, request.appId, request.path, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.headers ? { headers: request.headers } : {}),
      });
    } catch (e) {
      throw refine(e, request.appId);
    }
  }
}

interface SdkFailure {
  status?: number;
  body?: Record<string, unknown>;
}

/** The SDK's thrown error carries `{status, error_msg}` as JSON in its message. */
function sdkFailure(cause: unknown): SdkFailure {
  try {
    const parsed = JSON.parse(cause instanceof Error ? cause.message : '') as { status?: unknown; error_msg?: unknown };
    const body = typeof parsed.error_msg === 'string' ? (JSON.parse(parsed.error_msg) as unknown) : undefined;
    return {
      ...(typeof parsed.status === 'number' ? { status: parsed.status } : {}),
      ...(body && typeof body === 'object' ? { body: body as Record<string, unknown> } : {}),
    };
  } catch {
    return {};
  }
}

const isFieldProblem = (p: unknown): p is FieldProblem =>
  !!p && typeof p === 'object' && typeof (p as FieldProblem).field === 'string' && typeof (p as FieldProblem).message === 'string';

/**
 * What invokeApp threw, made exact for clients: a callee's 4xx keeps its field errors, and its Retry-After
 * (a 429 always has one), as does the 503 of a callee that sheds load; a failure of the sidecar itself (it
 * could not reach the callee, or gave up at its own deadline) is told apart from the callee's own 5xx,
 * which stays 502. Details of other 5xx never reach the client.
 */
function refine(e: unknown, appId: string): unknown {
  if (!(e instanceof AppError)) return e;
  const failure = sdkFailure(e.cause);
  if (!(e instanceof DependencyError)) {
    const errors = Array.isArray(failure.body?.errors) ? failure.body.errors.filter(isFieldProblem) : [];
    const omitted = failure.body?.errorsOmitted;
    const headers = e.status === 429 ? { 'Retry-After': String(DEFAULT_RETRY_AFTER_SECONDS), ...e.headers } : e.headers;
    return new AppError({
      status: e.status,
      code: e.code,
      title: e.title,
      ...(e.detail ? { detail: e.detail } : {}),
      expose: e.expose,
      ...(errors.length ? { errors, errorCount: errors.length + (typeof omitted === 'number' && omitted > 0 ? omitted : 0) } : {}),
      headers,
      cause: e,
    });
  }
  const sidecarCode = failure.body?.errorCode;
  if (e.status !== 502 || typeof sidecarCode !== 'string' || !sidecarCode.startsWith('ERR_')) return e;
  const message = typeof failure.body?.message === 'string' ? failure.body.message : '';
  return /deadline exceeded|timeout/i.test(message)
    ? new AppError({ status: 504, code: 'upstream-timeout', title: 'An upstream service did not answer in time', expose: false, cause: e })
    : new DependencyError(`app ${appId}`, `the sidecar could not reach it (${sidecarCode})`, e, 503);
}
