import { OrderStockReserved, type EventData } from '@shop/contracts';
import { on, type EventHandler } from '@shop/kit';
import { newPaymentId } from '../domain/ids';
import { onStockReserved } from '../domain/payment';
import { authorizationResult } from '../domain/payment-method';
import type { PaymentMethodStore } from '../ports';
import { applyToPayment, type EventDeps } from '../use-cases/apply-decision';

type StockReserved = EventData<typeof OrderStockReserved>;

/** Stock is held for the order: authorize its total against the customer's payment method, once. */
export function orderStockReservedHandler(deps: EventDeps & { methods: PaymentMethodStore }): EventHandler<StockReserved> {
  return on(OrderStockReserved, async (data) => {
    // The method is looked up by the order's customer, so another customer's token is not found.
    const method = await deps.methods.find(data.customerId, data.paymentToken);
    const request = {
      orderId: data.orderId,
      customerId: data.customerId,
      amount: data.total,
      result: authorizationResult(method, data.customerId),
      // Drawn once per delivery; only an authorization that wins the write keeps it.
      paymentId: newPaymentId(),
      at: deps.now().toISOString(),
    };
    await applyToPayment(deps, OrderStockReserved.type, data.orderId, (current) => onStockReserved(current, request));
  });
}
