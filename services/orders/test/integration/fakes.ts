// Stand-ins for the cart and payments apps, served by the test itself behind REAL sidecars (so orders
// reaches them through Dapr service invocation exactly as in production). They answer what orders asks.
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import { createApp, createLogger, createMetrics, identityVerifier, NotFoundError, requireIdentity, route, routerFor } from '@shop/kit';
import { freePort } from '@shop/testkit';
import type { CartLine } from '../../src/domain/checkout';

export interface Fakes {
  carts: Map<string, CartLine[]>;
  methods: Map<string, { customerId: string; token: string; brand: string; last4: string }>;
  cleared: string[];
}

/** `identityKey`: the gateway's public key; each fake accepts only identities signed for its own app id, as the real ones do. */
export async function serveFakes(
  identityKey: KeyObject,
): Promise<{ fakes: Fakes; cartPort: number; paymentsPort: number; close: () => Promise<void> }> {
  const fakes: Fakes = { carts: new Map(), methods: new Map(), cleared: [] };
  const logger = createLogger({ service: 'fake', level: 'error' });
  const cart = createApp({
    logger,
    metrics: createMetrics('fake-cart'),
    routers: [
      routerFor(
        [
          route({
            method: 'GET',
            path: '/cart',
            access: 'customer',
            summary: 'cart',
            handle: async (_i, ctx) => ({ items: fakes.carts.get(requireIdentity(ctx.state).sub) ?? [] }),
          }),
          route({
            method: 'DELETE',
            path: '/cart',
            access: 'customer',
            summary: 'clear',
            handle: async (_i, ctx) => {
              const who = requireIdentity(ctx.state).sub;
              fakes.cleared.push(who);
              fakes.carts.delete(who);
              return undefined;
            },
          }),
        ],
        { identity: identityVerifier(identityKey, 'cart') },
      ),
    ],
  });
  const payments = createApp({
    logger,
    metrics: createMetrics('fake-payments'),
    routers: [
      routerFor(
        [
          route({
            method: 'GET',
            path: '/payment-methods/:token',
            access: 'customer',
            summary: 'method',
            handle: async (_i, ctx) => {
              const m = fakes.methods.get(String(ctx.params.token));
              if (!m || m.customerId !== requireIdentity(ctx.state).sub) throw new NotFoundError('payment method');
              return { token: m.token, brand: m.brand, last4: m.last4 };
            },
          }),
        ],
        { identity: identityVerifier(identityKey, 'payments') },
      ),
    ],
  });
  const servers = await Promise.all(
    [cart, payments].map(async (app) => {
      const port = await freePort();
      const server = http.createServer(app.callback());
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      return { server, port };
    }),
  );
  return {
    fakes,
    cartPort: servers[0]!.port,
    paymentsPort: servers[1]!.port,
    close: async () => {
      await Promise.all(servers.map(({ server }) => new Promise((r) => server.close(r))));
    },
  };
}
