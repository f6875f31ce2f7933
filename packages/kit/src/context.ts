import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and every outbound sidecar call of one request carries. */
export interface RequestContext {
  requestId: string;
  /** W3C trace context, as received (Dapr propagates it to the app). */
  traceparent?: string;
  traceId?: string;
  spanId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a W3C `traceparent`; an invalid or all-zero value is ignored, as the spec requires. */
export function parseTraceparent(value: string | undefined): Pick<RequestContext, 'traceparent' | 'traceId' | 'spanId'> {
  const m = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return {};
  return { traceparent: m[0], traceId: m[2]!, spanId: m[3]! };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is sane, otherwise makes one. */
export function requestIdFrom(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Headers that carry the current context onto an outbound call through the sidecar. */
export function propagationHeaders(): Record<string, string> {
  const ctx = currentContext();
  if (!ctx) return {};
  const headers: Record<string, string> = { 'x-request-id': ctx.requestId };
  if (ctx.traceparent) headers.traceparent = ctx.traceparent;
  return headers;
}
