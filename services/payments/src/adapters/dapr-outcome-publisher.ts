import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentRefunded, PaymentVoided } from '@shop/contracts';
import type { Sidecar } from '@shop/kit';
import type { PaymentOutcome } from '../domain/payment';
import type { OutcomePublisher } from '../ports';

/** Outcomes onto topic `payments` through the sidecar, each validated against its contract first. */
export class DaprOutcomePublisher implements OutcomePublisher {
  constructor(private readonly sidecar: Pick<Sidecar, 'publish'>) {}

  async publish(outcome: PaymentOutcome): Promise<void> {
    switch (outcome.type) {
      case 'authorized':
        return this.sidecar.publish(PaymentAuthorized, outcome.data);
      case 'failed':
        return this.sidecar.publish(PaymentFailed, outcome.data);
      case 'captured':
        return this.sidecar.publish(PaymentCaptured, outcome.data);
      case 'voided':
        return this.sidecar.publish(PaymentVoided, outcome.data);
      case 'refunded':
        return this.sidecar.publish(PaymentRefunded, outcome.data);
    }
  }
}
