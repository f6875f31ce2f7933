import type { DaprClient } from '@dapr/dapr';
import { AppError, invokeApp, signIdentity, type Identity } from '@shop/kit';
import type { CartLine, PaymentMethodView } from '../domain/checkout';

/** The customer's cart, read and cleared as the customer (the identity is forwarded, signed). */
export interface CartClient {
  lines(identity: Identity): Promise<CartLine[]>;
  clear(identity: Identity): Promise<void>;
}

/** One of the customer's saved payment methods, or undefined when it is not theirs or does not exist. */
export interface PaymentMethods {
  get(identity: Identity, token: string): Promise<PaymentMethodView | undefined>;
}

export class DaprCartClient implements CartClient {
  constructor(
    private readonly client: DaprClient,
    private readonly identityKey: string,
  ) {}

  async lines(identity: Identity): Promise<CartLine[]> {
    const cart = await invokeApp<{ items: CartLine[] }>(this.client, 'cart', 'cart', { headers: signIdentity(this.identityKey, identity) });
    return cart.items;
  }

  async clear(identity: Identity): Promise<void> {
    await invokeApp(this.client, 'cart', 'cart', { method: 'DELETE', headers: signIdentity(this.identityKey, identity) });
  }
}

export class DaprPaymentMethods implements PaymentMethods {
  constructor(
    private readonly client: DaprClient,
    private readonly identityKey: string,
  ) {}

  async get(identity: Identity, token: string): Promise<PaymentMethodView | undefined> {
    try {
      return await invokeApp<PaymentMethodView>(this.client, 'payments', `payment-methods/${encodeURIComponent(token)}`, {
        headers: signIdentity(this.identityKey, identity),
      });
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return undefined;
      throw e;
    }
  }
}
