import { NotFoundError, route } from '@shop/kit';
import { paymentView } from '../domain/payment';
import type { PaymentStore } from '../store/payment-store';
import { paymentsHttp } from '@shop/contracts';

/** Admin views of payments (mounted behind `adminOnly`). */
export function paymentRoutes(payments: PaymentStore) {
  return [
    route({
      method: 'GET',
      path: '/payments/:orderId',
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
