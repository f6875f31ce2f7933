import type { DaprClient } from '@dapr/dapr';
import { AppError, identityHeadersFor, invokeApp, type Identity } from '@shop/kit';
import type { CartLine, PaymentMethodView } from '../domain/checkout';

// Checkout calls cart and payments AS THE CUSTOMER with the identities the gateway signed for them and
// delegated to this request (identityHeadersFor): orders holds no key to make one, and its own identity is
// addressed to orders, so cart and payments would refuse it.

/** The customer's cart, read and cleared as the customer. */
export interface CartClient {
  lines(identity: Identity): Promise<CartLine[]>;
  clear(identity: Identity): Promise<void>;
}

/** One of the customer's saved payment methods, or undefined when it is not theirs or does not exist. */
export interface PaymentMethods {
  get(identity: Identity, token: string): Promise<PaymentMethodView | undefined>;
}

export class DaprCartClient implements CartClient {
  constructor(private readonly client: DaprClient) {}

  async lines(identity: Identity): Promise<CartLine[]> {
    const cart = await invokeApp<{ items: CartLine[] }>(this.client, 'cart', 'cart', { headers: identityHeadersFor(identity, 'cart') });
    return cart.items;
  }

  async clear(identity: Identity): Promise<void> {
    await invokeApp(this.client, 'cart', 'cart', { method: 'DELETE', headers: identityHeadersFor(identity, 'cart') });
  }
}

export class DaprPaymentMethods implements PaymentMethods {
  constructor(private readonly client: DaprClient) {}

  async get(identity: Identity, token: string): Promise<PaymentMethodView | undefined> {
    try {
      return await invokeApp<PaymentMethodView>(this.client, 'payments', `payment-methods/${encodeURIComponent(token)}`, {
        headers: identityHeadersFor(identity, 'payments'),
      });
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return undefined;
      throw e;
    }
  }
}
