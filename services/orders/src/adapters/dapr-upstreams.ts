import { AppError, identityHeadersFor, type Identity, type Sidecar } from '@shop/kit';
import type { CartLine, PaymentMethodView } from '../domain/checkout';
import type { CartClient, PaymentMethods } from '../ports';

// Checkout calls cart and payments AS THE CUSTOMER with the identities the gateway signed for them and
// delegated to this request (identityHeadersFor): orders holds no key to make one, and its own identity is
// addressed to orders, so cart and payments would refuse it.

export class DaprCartClient implements CartClient {
  constructor(private readonly sidecar: Sidecar) {}

  async lines(identity: Identity): Promise<CartLine[]> {
    const cart = await this.sidecar.invoke<{ items: CartLine[] }>('cart', 'cart', { headers: identityHeadersFor(identity, 'cart') });
    return cart.items;
  }

  async clear(identity: Identity): Promise<void> {
    await this.sidecar.invoke('cart', 'cart', { method: 'DELETE', headers: identityHeadersFor(identity, 'cart') });
  }
}

export class DaprPaymentMethods implements PaymentMethods {
  constructor(private readonly sidecar: Sidecar) {}

  async get(identity: Identity, token: string): Promise<PaymentMethodView | undefined> {
    try {
      return await this.sidecar.invoke<PaymentMethodView>('payments', `payment-methods/${encodeURIComponent(token)}`, {
        headers: identityHeadersFor(identity, 'payments'),
      });
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return undefined;
      throw e;
    }
  }
}
