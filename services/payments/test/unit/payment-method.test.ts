import { ConflictError } from '@shop/kit';
import { PaymentAuthorized, paymentMethodRef } from '@shop/contracts';
import { check } from '@shop/kit';
import { checkCard } from '../../src/domain/card';
import { newPaymentId, newPaymentMethodToken, randomBase62 } from '../../src/domain/ids';
import {
  MAX_METHODS_PER_CUSTOMER,
  authorizationResult,
  newPaymentMethod,
  viewOf,
  withMethod,
  type PaymentMethod,
} from '../../src/domain/payment-method';

const NOW = new Date('2026-11-30T10:00:00Z');
const alice = 'a1b2c3d4-0000-4000-8000-000000000001';
const bob = 'a1b2c3d4-0000-4000-8000-000000000002';

const tokenize = (cardNumber: string, customerId = alice): PaymentMethod =>
  newPaymentMethod(customerId, checkCard({ cardNumber, expMonth: 12, expYear: 2030, cvc: '123' }, NOW), newPaymentMethodToken(), NOW);

describe('ids', () => {
  it('when tokens are made, then each is pm_ + 24 base62 characters and matches the contracts pattern', () => {
    const tokens = new Set(Array.from({ length: 200 }, newPaymentMethodToken));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(token).toMatch(/^pm_[A-Za-z0-9]{24}$/);
      expect(check(paymentMethodRef.properties.token, token, 'event')).toEqual([]);
    }
  });

  it('when a payment id is made, then it is pay_ + base62 and fits the payment events', () => {
    const paymentId = newPaymentId();
    expect(paymentId).toMatch(/^pay_[A-Za-z0-9]{24}$/);
    const data = { orderId: alice, paymentId, amount: { amount: 100, currency: 'USD' } };
    expect(check(PaymentAuthorized.schema, data, 'event')).toEqual([]);
  });

  it('when many characters are drawn, then all 62 symbols appear and nothing else', () => {
    const text = randomBase62(5_000);
    expect(new Set(text).size).toBe(62);
    expect(text).toMatch(/^[0-9A-Za-z]+$/);
  });
});

describe('payment methods', () => {
  it('when a card is tokenized, then the stored method keeps display facts and behaviour, never the number', () => {
    const method = tokenize('4000000000009995');
    expect(method).toEqual({
      token: expect.stringMatching(/^pm_/),
      customerId: alice,
      brand: 'visa',
      last4: '9995',
      expMonth: 12,
      expYear: 2030,
      createdAt: '2026-11-30T10:00:00.000Z',
      behaviour: 'insufficient-funds',
    });
    expect(JSON.stringify(method)).not.toContain('4000000000009995');
  });

  it('when a method is shown, then the owner and behaviour stay inside payments', () => {
    const method = tokenize('4242424242424242');
    expect(viewOf(method)).toEqual({ token: method.token, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 });
  });

  it('when a customer holds the maximum, then one more is a conflict; below it, the method is appended', () => {
    const one = tokenize('4242424242424242');
    expect(withMethod([], one)).toEqual([one]);
    const full = Array.from({ length: MAX_METHODS_PER_CUSTOMER }, () => one);
    expect(() => withMethod(full, one)).toThrow(ConflictError);
  });
});

describe('authorizationResult (the simulated processor)', () => {
  it.each([
    ['4242424242424242', 'approved'],
    ['4000000000000002', 'card-declined'],
    ['4000000000009995', 'insufficient-funds'],
    ['5555555555554444', 'approved'],
  ])('when the order is paid with %s of its own customer, then the answer is %s', (cardNumber, result) => {
    expect(authorizationResult(tokenize(cardNumber), alice)).toBe(result);
  });

  it('when the token is unknown or belongs to another customer, then it is an invalid payment method', () => {
    expect(authorizationResult(undefined, alice)).toBe('invalid-payment-method');
    expect(authorizationResult(tokenize('4242424242424242', bob), alice)).toBe('invalid-payment-method');
  });
});
