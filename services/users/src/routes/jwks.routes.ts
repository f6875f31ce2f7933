import { route } from '@shop/kit';
import type { PublicJwk } from '../domain/access-token';

export function jwksRoutes(jwks: { keys: PublicJwk[] }) {
  return [
    route({
      method: 'GET',
      path: '/.well-known/jwks.json',
      summary: 'The public keys that verify access tokens',
      handle: async (_input, ctx) => {
        // Verifiers may cache it briefly; a key rotation should publish the new key this long in advance.
        ctx.set('Cache-Control', 'public, max-age=300');
        return jwks;
      },
    }),
  ];
}
