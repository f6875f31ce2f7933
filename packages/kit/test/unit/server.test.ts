import type { AddressInfo } from 'node:net';
import { ConfigError, createApp, createMetrics, serve, type Lifecycle, type Running } from '../../src';
import { memoryLogger } from './helpers';

const portOf = (server: Running['server']) => (server.address() as AddressInfo).port;

describe('serve', () => {
  const lifecycle: Lifecycle = { draining: false };
  let running: Running;
  let app: string;
  let ops: string;
  beforeAll(async () => {
    const { logger } = memoryLogger();
    const built = createApp({ logger, metrics: createMetrics('test'), routers: [], lifecycle });
    running = await serve(built, { port: 0, opsPort: 0, host: '127.0.0.1', logger, lifecycle, drainMs: 1_000 });
    app = `http://127.0.0.1:${portOf(running.server)}`;
    ops = `http://127.0.0.1:${portOf(running.opsServer)}`;
  });
  afterAll(() => running.shutdown('test over'));

  it('when the app is served, then /readyz and /metrics answer on the operations port only, /healthz on both', async () => {
    const status = async (url: string) => (await fetch(url)).status;
    expect(await Promise.all(['/healthz', '/readyz', '/metrics'].map((p) => status(app + p)))).toEqual([200, 404, 404]);
    expect(await Promise.all(['/healthz', '/readyz', '/metrics'].map((p) => status(ops + p)))).toEqual([200, 200, 200]);
  });

  it('when the operations port is the app port, then start-up stops naming OPS_PORT', async () => {
    const { logger } = memoryLogger();
    const built = createApp({ logger, metrics: createMetrics('test'), routers: [] });
    const options = { port: 3999, opsPort: 3999, host: '127.0.0.1', logger, lifecycle, drainMs: 0 };
    await expect(serve(built, options)).rejects.toThrow(ConfigError);
    await expect(serve(built, options)).rejects.toThrow(/OPS_PORT/);
  });

  it('when it shuts down, then /readyz says draining until the app port has closed, then both are closed', async () => {
    const { logger } = memoryLogger();
    const drain: Lifecycle = { draining: false };
    const built = createApp({ logger, metrics: createMetrics('test'), routers: [], lifecycle: drain });
    const other = await serve(built, { port: 0, opsPort: 0, host: '127.0.0.1', logger, lifecycle: drain, drainMs: 1_000 });
    const opsUrl = `http://127.0.0.1:${portOf(other.opsServer)}`;
    await other.shutdown('test');
    expect(drain.draining).toBe(true);
    expect([other.server.listening, other.opsServer.listening]).toEqual([false, false]);
    await expect(fetch(`${opsUrl}/readyz`)).rejects.toThrow();
  });
});
