import { requireIdentity, route } from '@shop/kit';
import type { CartService } from '../use-cases/cart-service';
import { cartHttp } from '@shop/contracts';

/**
 * The caller's own cart. The customer is only ever the identity the gateway signed and forwarded (the
 * identity parser runs before these routes), so nobody can name another customer's cart.
 */
export function cartRoutes(carts: CartService) {
  return [
    route({
      method: 'GET',
      path: '/cart',
      access: 'customer',
      summary: 'Your cart, each line beside its current catalog price and stock',
      handle: async (_input, ctx) => carts.view(requireIdentity(ctx.state).sub),
    }),
    route({
      method: 'PUT',
      path: '/cart/items/:productId',
      access: 'customer',
      summary: 'Add a product or set its quantity (1–99), at its current price',
      params: cartHttp.productParams,
      body: cartHttp.setQuantityBody,
      handle: async ({ params, body }, ctx) => carts.setItem(requireIdentity(ctx.state).sub, params.productId, body.quantity),
    }),
    route({
      method: 'DELETE',
      path: '/cart/items/:productId',
      access: 'customer',
      summary: 'Remove a product from your cart (removing one that is not there is fine)',
      params: cartHttp.productParams,
      handle: async ({ params }, ctx) => carts.removeItem(requireIdentity(ctx.state).sub, params.productId),
    }),
    route({
      method: 'DELETE',
      path: '/cart',
      access: 'customer',
      summary: 'Empty your cart (204)',
      handle: async (_input, ctx) => {
        await carts.clear(requireIdentity(ctx.state).sub);
        return undefined;
      },
    }),
  ];
}
