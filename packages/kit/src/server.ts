import http from 'node:http';
import type Koa from 'koa';
import type { Logger } from './logger';
import type { Lifecycle } from './http/health';
import { ConfigError } from './config';

export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  lifecycle: Lifecycle;
  /** How long to wait for in-flight requests after SIGTERM before closing them. */
  drainMs: number;
  /** Run after the server has stopped, in order: close pools and clients. */
  onClose?: Array<() => Promise<void>>;
}

export interface Running {
  server: http.Server;
  /** Stops accepting, drains in-flight requests (bounded), then runs onClose. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/** Listens, and on SIGTERM or SIGINT stops accepting, drains, closes resources and exits. */
export async function serve(app: Koa, options: ServeOptions): Promise<Running> {
  const { logger, lifecycle } = options;
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  logger.info('listening', { 'server.address': options.host, 'server.port': options.port });

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
      for (const close of options.onClose ?? []) {
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
  return { server, shutdown };
}

/** Runs a service's main. A failure to start is printed (there may be no logger yet) and exits 1. */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`${service} failed to start: ${message}\n`);
    process.exit(1);
  });
}
