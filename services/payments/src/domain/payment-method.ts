// A tokenized card: what payments keeps instead of the number, and how the simulated processor answers
// an authorization against it.
import { ConflictError } from '@shop/kit';
import type { Behaviour, CardBrand, CardFacts } from './card';
import type { FailureReason } from './payment';

export interface PaymentMethod {
  token: string;
  customerId: string;
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  behaviour: Behaviour;
}

/** What a customer (and orders, on the customer's behalf) sees of a payment method. */
export interface PaymentMethodView {
  token: string;
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** A customer's methods live in one stored item, so one bound keeps that item (and its reads) small. */
export const MAX_METHODS_PER_CUSTOMER = 20;

export function newPaymentMethod(customerId: string, card: CardFacts, token: string, now: Date): PaymentMethod {
  return {
    token,
    customerId,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    createdAt: now.toISOString(),
    behaviour: card.behaviour,
  };
}

export function viewOf(method: PaymentMethod): PaymentMethodView {
  return { token: method.token, brand: method.brand, last4: method.last4, expMonth: method.expMonth, expYear: method.expYear };
}

/** The customer's list with one more method; refused once the customer holds the maximum. */
export function withMethod(existing: readonly PaymentMethod[], method: PaymentMethod): PaymentMethod[] {
  if (existing.length >= MAX_METHODS_PER_CUSTOMER) {
    throw new ConflictError('too-many-payment-methods', `A customer can keep at most ${MAX_METHODS_PER_CUSTOMER} payment methods`);
  }
  return [...existing, method];
}

export type AuthorizationResult = 'approved' | FailureReason;

/**
 * The simulated processor's answer for an order of `customerId` paid with `method` (undefined when the
 * token is unknown). A token of another customer is as invalid as an unknown one.
 */
export function authorizationResult(method: PaymentMethod | undefined, customerId: string): AuthorizationResult {
  if (!method || method.customerId !== customerId) return 'invalid-payment-method';
  switch (method.behaviour) {
    case 'approve':
      return 'approved';
    case 'decline':
      return 'card-declined';
    case 'insufficient-funds':
      return 'insufficient-funds';
  }
}
