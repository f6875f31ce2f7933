import type { Context } from 'koa';
import { requestDeadline, route } from '@shop/kit';
import type { Sessions } from '../use-cases/sessions';
import { usersHttp } from '@shop/contracts';

const MAX_CLIENT_ID_LENGTH = 256;

/** The gateway forwards the caller's address here; direct callers without it share one bucket. */
function clientIdOf(ctx: Context): string {
  return ctx.get('x-client-id').trim().slice(0, MAX_CLIENT_ID_LENGTH) || 'unknown';
}

/** Token responses must never be cached by anything in between (RFC 6749 §5.1). */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

export function sessionRoutes(sessions: Sessions) {
  return [
    route({
      method: 'POST',
      path: '/sessions',
      summary: 'Sign in with email and password: an access token and a refresh token',
      body: usersHttp.loginBody,
      handle: async ({ body }, ctx) => {
        noStore(ctx);
        return sessions.login({ ...body, clientId: clientIdOf(ctx), deadline: requestDeadline(ctx) });
      },
    }),
    route({
      method: 'POST',
      path: '/sessions/refresh',
      summary: 'Spend a refresh token for a new access token and the next refresh token',
      body: usersHttp.refreshBody,
      handle: async ({ body }, ctx) => {
        noStore(ctx);
        return sessions.refresh(body.refreshToken);
      },
    }),
    route({
      method: 'POST',
      path: '/sessions/logout',
      summary: "End the refresh token's session (its whole family)",
      body: usersHttp.refreshBody,
      handle: async ({ body }) => {
        await sessions.logout(body.refreshToken);
        return undefined;
      },
    }),
  ];
}
