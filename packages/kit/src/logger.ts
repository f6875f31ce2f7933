import winston from 'winston';
import { ecsFields, ecsStringify } from '@elastic/ecs-winston-format';
import { currentContext } from './context';
import { ConfigError } from './config';
import { prettyLine } from './log-pretty';

export type Logger = winston.Logger;

/** `json`: one ECS JSON object per line. `pretty`: one short coloured line, for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  service: string;
  level?: string;
  /**
   * Default on stdout: LOG_FORMAT if set, else `pretty` when stdout is a terminal and `json` when it is not.
   * Default with `transports`: `json`.
   */
  format?: LogFormat;
  /** Transports instead of stdout, e.g. a stream captured by tests. */
  transports?: winston.transport[];
}

/**
 * Logs with Elastic Common Schema field names (`@elastic/ecs-winston-format`), so ELK (or any JSON-aware
 * shipper) ingests them without a custom parser. The request id and the W3C trace and span ids of the
 * current request are added to every line.
 */
export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? (options.transports ? 'json' : logFormatFrom(process.env.LOG_FORMAT, process.stdout.isTTY === true));
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      requestFields(),
      errorFields(),
      // No Elastic APM agent here: the ids above come from the request's own trace context.
      ecsFields({ serviceName: options.service, convertErr: false, apmIntegration: false }),
      format === 'pretty' ? winston.format.printf(prettyLine) : ecsStringify(),
    ),
    transports: options.transports ?? [new winston.transports.Console()],
  });
}

/** LOG_FORMAT, read at start-up: unset means pretty at a terminal, JSON lines anywhere else. */
export function logFormatFrom(value: string | undefined, isTerminal: boolean): LogFormat {
  if (value === undefined || value === '') return isTerminal ? 'pretty' : 'json';
  if (value === 'json' || value === 'pretty') return value;
  throw new ConfigError([`LOG_FORMAT is '${value}', expected json or pretty`]);
}

const requestFields = winston.format((info) => {
  const ctx = currentContext();
  if (ctx) {
    info['http.request.id'] = ctx.requestId;
    if (ctx.traceId) info['trace.id'] = ctx.traceId;
    if (ctx.spanId) info['span.id'] = ctx.spanId;
  }
  return info;
});

/**
 * `{ err }` becomes the dotted `error.*` fields. Not the library's `convertErr`: it nests them under
 * `error` and copies every enumerable property of the error, such as the `parameters` of a failed query.
 */
const errorFields = winston.format((info) => {
  const err = info.err;
  if (err instanceof Error) {
    info['error.type'] = err.name;
    info['error.message'] = err.message;
    info['error.stack_trace'] = err.stack;
    delete info.err;
  }
  return info;
});
