import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentRefunded, PaymentVoided, publish } from '@shop/contracts';
import type { createDaprClient } from '@shop/kit';
import type { PaymentOutcome } from '../domain/payment';
import type { OutcomePublisher } from './outcome-publisher';

type DaprClient = ReturnType<typeof createDaprClient>;

/** Outcomes onto topic `payments` through the sidecar, each validated against its contract first. */
export class DaprOutcomePublisher implements OutcomePublisher {
  constructor(private readonly client: DaprClient) {}

  async publish(outcome: PaymentOutcome): Promise<void> {
    switch (outcome.type) {
      case 'authorized':
        return publish(this.client, PaymentAuthorized, outcome.data);
      case 'failed':
        return publish(this.client, PaymentFailed, outcome.data);
      case 'captured':
        return publish(this.client, PaymentCaptured, outcome.data);
      case 'voided':
        return publish(this.client, PaymentVoided, outcome.data);
      case 'refunded':
        return publish(this.client, PaymentRefunded, outcome.data);
    }
  }
}
