import { requireIdentity, route } from '@shop/kit';
import type { Accounts } from '../use-cases/accounts';
import { usersHttp } from '@shop/contracts';

/** The caller's own account; the caller is only ever the identity the gateway signed and forwarded. */
export function meRoutes(accounts: Accounts) {
  return [
    route({
      method: 'GET',
      path: '/me',
      access: 'customer',
      summary: "The caller's profile",
      handle: async (_input, ctx) => accounts.profile(requireIdentity(ctx.state).sub),
    }),
    route({
      method: 'PATCH',
      path: '/me',
      access: 'customer',
      summary: "Change the caller's name and/or addresses (the list is replaced as a whole)",
      body: usersHttp.profilePatch,
      handle: async ({ body }, ctx) => accounts.updateProfile(requireIdentity(ctx.state).sub, body),
    }),
  ];
}
