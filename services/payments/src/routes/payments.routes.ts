import { NotFoundError, route } from '@shop/kit';
import { paymentView } from '../domain/payment';
import type { PaymentStore } from '../ports';
import { paymentsHttp } from '@shop/contracts';

/** Admin views of payments (a customer gets the 404 of a route that is not there). */
export function paymentRoutes(payments: PaymentStore) {
  return [
    route({
      method: 'GET',
      path: '/payments/:orderId',
      access: 'admin',
      summary: 'The payment of an order: status, amount and the history of its transitions',
      params: paymentsHttp.orderIdParams,
      handle: async ({ params }) => {
        const found = await payments.get(params.orderId);
        if (!found) throw new NotFoundError(`payment of order ${params.orderId}`);
        return paymentView(found.value);
      },
    }),
  ];
}
