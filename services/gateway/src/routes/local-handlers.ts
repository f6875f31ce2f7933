import type { KeyObject } from 'node:crypto';
import type { Logger } from '@shop/kit';
import { buildOpenApi } from './openapi';
import { buildOverview } from '../domain/overview';
import type { Upstream } from '../ports';
import { callWithDeadline, upstreamHeaders } from '../use-cases/call-upstream';
import type { LocalHandler, RouterDeps } from './router';
import { problem } from './schemas';
import { API_PREFIX, routeTable } from './table';

export interface LocalHandlerDeps {
  upstream: Upstream;
  identityKey: KeyObject;
  overviewPartTimeoutMs: number;
  logger: Logger;
}

export function localHandlers(deps: LocalHandlerDeps): RouterDeps['locals'] {
  let document: unknown;
  const openapi: LocalHandler = async () =>
    (document ??= buildOpenApi(routeTable, {
      title: 'Shop API',
      version: '1.0.0',
      description: 'The public API of the shop. Errors are RFC 9457 problem details (application/problem+json).',
      serverUrl: API_PREFIX,
      problemSchema: problem,
    }));

  const overview: LocalHandler = async ({ identity }) => {
    // Each part gets the caller's identity signed for its own service only.
    const get = (appId: string, path: string) =>
      callWithDeadline(
        deps.upstream,
        { appId, method: 'GET', path, headers: upstreamHeaders(deps.identityKey, appId, identity) },
        deps.overviewPartTimeoutMs,
      );
    return buildOverview(
      { profile: () => get('users', '/me'), cart: () => get('cart', '/cart'), recentOrders: () => get('orders', '/orders?limit=5') },
      (part, err) => deps.logger.warn('overview served without a part', { 'overview.part': part, err }),
    );
  };

  return { openapi, overview };
}
