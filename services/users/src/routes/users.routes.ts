import { requestDeadline, route } from '@shop/kit';
import type { Accounts } from '../use-cases/accounts';
import { usersHttp } from '@shop/contracts';

/** Open to any caller the gateway lets through: registration. */
export function userRoutes(accounts: Accounts) {
  return [
    route({
      method: 'POST',
      path: '/users',
      summary: 'Register a customer account',
      body: usersHttp.registerBody,
      handle: async ({ body }, ctx) => {
        const user = await accounts.register(body, requestDeadline(ctx));
        ctx.status = 201;
        return user;
      },
    }),
  ];
}
