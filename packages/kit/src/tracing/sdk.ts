import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

// The sidecar's health checks and Prometheus's scrapes would each be a trace of nothing.
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Spans of the app's own work, continuing the W3C `traceparent` its sidecar sends (the SDK's default
 * propagator), so that a request's Koa middleware and SQL sit in the trace of the sidecar hops around it.
 * The exporter, its endpoint and protocol come from the standard OTEL_* variables.
 */
export function createTracingSdk(serviceName: string | undefined): NodeSDK {
  return new NodeSDK({
    ...(serviceName ? { serviceName } : {}),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED.has((req.url ?? '').split('?')[0]!),
        // Calls outside any request (waiting for the sidecar at start-up, /readyz's checks) start no trace.
        requireParentforOutgoingSpans: true,
      }),
      // The route's handler, not each of the kit's middleware (context, metrics, access log, body parser, ...).
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      // Queries outside a request (migrations, the reservation sweep) start no trace either.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
    // Traces only: metrics are Prometheus's (/metrics on OPS_PORT) and logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
}
