import http from 'node:http';
import type Koa from 'koa';
import type { Logger } from './logger';
import type { Lifecycle } from './http/health';
import { ConfigError } from './config';
import { operationsOf } from './http/operations';
import { answerClientErrors } from './http/client-errors';
import { stopTracing } from './tracing/switch';

export interface ServeOptions {
  port: number;
  host: string;
  /** OPS_PORT: the operations listener (/healthz, /readyz, /metrics of `operationsOf(app)`), on the same host. */
  opsPort: number;
  logger: Logger;
  lifecycle: Lifecycle;
  /** How long to wait for in-flight requests after SIGTERM before closing them. */
  drainMs: number;
  /** Run after the server has stopped, in order: close pools and clients. */
  onClose?: Array<() => Promise<void>>;
}

export interface Running {
  server: http.Server;
  /** The operations listener. */
  opsServer: http.Server;
  /** Stops accepting, drains in-flight requests (bounded), then runs onClose. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens on the app port and, for the operations endpoints, on OPS_PORT; on SIGTERM or SIGINT stops
 * accepting, drains (/readyz answers 503 meanwhile), closes resources and exits.
 */
export async function serve(app: Koa, options: ServeOptions): Promise<Running> {
  const { logger, lifecycle } = options;
  if (options.opsPort !== 0 && options.opsPort === options.port)
    throw new ConfigError([`OPS_PORT must differ from the app port ${options.port}`]);
  const server = await listen(app, options.port, options.host);
  logger.info('listening', { 'server.address': options.host, 'server.port': options.port });
  const opsServer = await listen(operationsOf(app), options.opsPort, options.host);
  logger.info('operations endpoints listening', { 'server.address': options.host, 'server.port': options.opsPort });

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down', { reason });
      lifecycle.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.drainMs);
      await closed;
      clearTimeout(timer);
      // Last, so that /readyz said "draining" for as long as requests were drained.
      const opsClosed = new Promise<void>((resolve) => opsServer.close(() => resolve()));
      opsServer.closeAllConnections();
      await opsClosed;
      // Tracing last: the spans of the drained requests and of closing are flushed with it.
      for (const close of [...(options.onClose ?? []), stopTracing]) {
        try {
          await close();
        } catch (err) {
          logger.error('error while closing a resource', { err });
        }
      }
      logger.info('stopped');
    })());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  return { server, opsServer, shutdown };
}

async function listen(app: Koa, port: number, host: string): Promise<http.Server> {
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** Runs a service's main. A failure to start is printed (there may be no logger yet) and exits 1. */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${service} failed to start: ${message}\n`);
    process.exit(1);
  });
}
