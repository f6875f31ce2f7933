import { AppError, DependencyError, invocationFailure, type FieldProblem, type Sidecar } from '@shop/kit';
import type { Upstream, UpstreamRequest } from '../ports';

/** Seconds a client is told to wait after an upstream 429 that did not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** Upstream calls through the gateway's own sidecar (Dapr service invocation, trace context propagated). */
export class DaprUpstream implements Upstream {
  constructor(private readonly sidecar: Sidecar) {}

  async call(request: UpstreamRequest): Promise<unknown> {
    try {
      return await this.sidecar.invoke<unknown>(request.appId, request.path, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.headers ? { headers: request.headers } : {}),
      });
    } catch (e) {
      throw refine(e, request.appId);
    }
  }
}

/** The sidecar's answer behind an invocation's error: the callee's problem, or the sidecar's own error body. */
function answerOf(e: AppError): Record<string, unknown> | undefined {
  const body = invocationFailure(e)?.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
}

const isFieldProblem = (p: unknown): p is FieldProblem =>
  !!p && typeof p === 'object' && typeof (p as FieldProblem).field === 'string' && typeof (p as FieldProblem).message === 'string';

/**
 * What the invocation threw, made exact for clients: a callee's 4xx keeps its field errors, and its Retry-After
 * (a 429 always has one), as does the 503 of a callee that sheds load; a failure of the sidecar itself (it
 * could not reach the callee, or gave up at its own deadline) is told apart from the callee's own 5xx,
 * which stays 502. Details of other 5xx never reach the client.
 */
function refine(e: unknown, appId: string): unknown {
  if (!(e instanceof AppError)) return e;
  const answer = answerOf(e);
  if (!(e instanceof DependencyError)) {
    const errors = Array.isArray(answer?.errors) ? answer.errors.filter(isFieldProblem) : [];
    const omitted = answer?.errorsOmitted;
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
  const sidecarCode = answer?.errorCode;
  if (e.status !== 502 || typeof sidecarCode !== 'string' || !sidecarCode.startsWith('ERR_')) return e;
  const message = typeof answer?.message === 'string' ? answer.message : '';
  return /deadline exceeded|timeout/i.test(message)
    ? new AppError({ status: 504, code: 'upstream-timeout', title: 'An upstream service did not answer in time', expose: false, cause: e })
    : new DependencyError(`app ${appId}`, `the sidecar could not reach it (${sidecarCode})`, e, 503);
}
