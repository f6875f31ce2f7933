import { NotFoundError, requireIdentity, route } from '@shop/kit';
import { checkCard } from '../domain/card';
import { newPaymentMethodToken } from '../domain/ids';
import { newPaymentMethod, viewOf } from '../domain/payment-method';
import type { PaymentMethodStore } from '../ports';
import { paymentsHttp } from '@shop/contracts';

/** A caller's own payment methods; the caller is the identity the gateway forwarded. */
export function paymentMethodRoutes(methods: PaymentMethodStore, now: () => Date) {
  return [
    route({
      method: 'POST',
      path: '/payment-methods',
      access: 'customer',
      summary: 'Tokenize a card: the number and CVC are checked, then forgotten; the token stands for the card',
      body: paymentsHttp.newPaymentMethodBody,
      handle: async ({ body }, ctx) => {
        const customerId = requireIdentity(ctx.state).sub;
        const at = now();
        const method = newPaymentMethod(customerId, checkCard(body, at), newPaymentMethodToken(), at);
        await methods.add(method);
        ctx.status = 201;
        ctx.set('location', `/payment-methods/${method.token}`);
        return viewOf(method);
      },
    }),
    route({
      method: 'GET',
      path: '/payment-methods',
      access: 'customer',
      summary: "The caller's payment methods",
      handle: async (_input, ctx) => ({ items: (await methods.listFor(requireIdentity(ctx.state).sub)).map(viewOf) }),
    }),
    route({
      method: 'GET',
      path: '/payment-methods/:token',
      access: 'customer',
      summary: "One of the caller's payment methods (another customer's token is not found)",
      params: paymentsHttp.tokenParams,
      handle: async ({ params }, ctx) => {
        const method = await methods.find(requireIdentity(ctx.state).sub, params.token);
        if (!method) throw new NotFoundError('payment method');
        return viewOf(method);
      },
    }),
  ];
}
