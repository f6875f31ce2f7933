import type { StateStore, Versioned } from '@shop/kit';
import type { PaymentRecord } from '../domain/payment';
import type { PaymentStore } from '../ports';

// All of an order's payment lives in one key: Redis transactions do not roll back, so what must change
// together is never split across keys.
const keyOf = (orderId: string) => `payment-${orderId}`;

export class DaprPaymentStore implements PaymentStore {
  constructor(private readonly state: StateStore<PaymentRecord>) {}

  get(orderId: string): Promise<Versioned<PaymentRecord> | undefined> {
    return this.state.get(keyOf(orderId));
  }

  create(record: PaymentRecord): Promise<void> {
    return this.state.create(keyOf(record.orderId), record);
  }

  replace(record: PaymentRecord, etag: string): Promise<void> {
    return this.state.save(keyOf(record.orderId), record, { etag });
  }
}
