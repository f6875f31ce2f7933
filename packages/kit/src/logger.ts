import winston from 'winston';
import { currentContext } from './context';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Extra transports, e.g. a stream captured by tests. Defaults to stdout. */
  transports?: winston.transport[];
}

/**
 * JSON logs with Elastic Common Schema field names, so ELK (or any JSON-aware shipper) ingests them
 * without a custom parser. The request id and the W3C trace and span ids of the current request are
 * added to every line.
 */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(ecs(options.service), winston.format.json()),
    transports: options.transports ?? [new winston.transports.Console()],
  });
}

const ecs = winston.format((info, service: unknown) => {
  const fields = info as Record<string, unknown>;
  const ctx = currentContext();
  fields['@timestamp'] = new Date().toISOString();
  fields['log.level'] = info.level;
  fields['service.name'] = service;
  fields['ecs.version'] = '8.11.0';
  if (ctx) {
    fields['http.request.id'] = ctx.requestId;
    if (ctx.traceId) fields['trace.id'] = ctx.traceId;
    if (ctx.spanId) fields['span.id'] = ctx.spanId;
  }
  const err = fields.err;
  if (err instanceof Error) {
    fields['error.type'] = err.name;
    fields['error.message'] = err.message;
    fields['error.stack_trace'] = err.stack;
    delete fields.err;
  }
  // winston filters and routes by its symbol-keyed level, so the plain key can go.
  delete fields.level;
  return info;
});
