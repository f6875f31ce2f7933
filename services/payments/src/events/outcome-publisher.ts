import type { PaymentOutcome } from '../domain/payment';

/** Publishes a payment outcome as its versioned event; throws when it was not accepted. */
export interface OutcomePublisher {
  publish(outcome: PaymentOutcome): Promise<void>;
}

/** The CloudEvent type an outcome is published as: `payment.<type>.v1`. */
export const eventTypeOf = (outcome: PaymentOutcome): string => `payment.${outcome.type}.v1`;
