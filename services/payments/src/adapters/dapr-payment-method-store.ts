import { retryOnEtag, type StateStore } from '@shop/kit';
import { withMethod, type PaymentMethod } from '../domain/payment-method';
import type { PaymentMethodStore } from '../ports';

interface CustomerMethods {
  items: PaymentMethod[];
}

// One key per customer holds all of that customer's methods: listing is one read, a lookup needs the
// customer (which every caller has: the forwarded identity, or the order's customerId), and a token of
// another customer is simply not in the list.
const keyOf = (customerId: string) => `payment-methods-${customerId}`;

/** Two requests of one customer adding cards at once conflict on the ETag; the loser re-reads, boundedly. */
const MAX_ATTEMPTS = 5;

export class DaprPaymentMethodStore implements PaymentMethodStore {
  constructor(private readonly state: StateStore<CustomerMethods>) {}

  async add(method: PaymentMethod): Promise<void> {
    const key = keyOf(method.customerId);
    await retryOnEtag({ attempts: MAX_ATTEMPTS }, async () => {
      const current = await this.state.get(key);
      const items = withMethod(current?.value.items ?? [], method);
      if (current) await this.state.save(key, { items }, { etag: current.etag });
      else await this.state.create(key, { items });
    });
  }

  async listFor(customerId: string): Promise<PaymentMethod[]> {
    return (await this.state.get(keyOf(customerId)))?.value.items ?? [];
  }

  async find(customerId: string, token: string): Promise<PaymentMethod | undefined> {
    return (await this.listFor(customerId)).find((m) => m.token === token);
  }
}
