// The first import of every service's main.ts: `import '@shop/kit/tracing';`. OpenTelemetry's
// instrumentations patch http, koa and pg as they are required, so they must be in place before any of
// those is. Off (the SDK is not even loaded) unless the OTEL_* variables name an endpoint.
import { startTracing } from './tracing/switch';

startTracing(process.env);
