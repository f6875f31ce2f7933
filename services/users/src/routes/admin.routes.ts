import { route } from '@shop/kit';
import type { Accounts } from '../use-cases/accounts';
import { usersHttp } from '@shop/contracts';

/** Any account, for admins only; guards.ts keeps everyone else out before these run. */
export function adminRoutes(accounts: Accounts) {
  return [
    route({
      method: 'GET',
      path: '/users',
      access: 'admin',
      summary: 'Accounts in order of creation, in keyset pages',
      query: usersHttp.userListQuery,
      handle: ({ query }) => accounts.list(query),
    }),
    route({
      method: 'GET',
      path: '/users/:id',
      access: 'admin',
      summary: 'One account',
      params: usersHttp.idParams,
      handle: ({ params }) => accounts.profile(params.id),
    }),
  ];
}
