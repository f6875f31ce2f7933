// The rules a card must pass before it is tokenized. The number and the CVC enter `checkCard` and never
// leave it: what comes out are display facts (brand, last four, expiry) and the simulated processor's
// behaviour. Problems name the field, never its value, because a problem reaches logs and clients.
import { ValidationError, type FieldProblem } from '@shop/kit';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** How the simulated processor answers an authorization for a card, fixed when the card is tokenized. */
export const BEHAVIOURS = ['approve', 'decline', 'insufficient-funds'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface CardInput {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** Everything about a card that may be kept: no number, no CVC. */
export interface CardFacts {
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
  behaviour: Behaviour;
}

export const MIN_DIGITS = 12;
export const MAX_DIGITS = 19;

/** The digits of a number as people type it (spaces and dashes allowed); undefined if anything else is in it. */
export function normalizeNumber(raw: string): string | undefined {
  const digits = raw.replace(/[\s-]/g, '');
  return /^\d+$/.test(digits) ? digits : undefined;
}

/** The Luhn (mod 10) check digit test every card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The brand from the number's leading digits (IIN ranges); undefined for brands this shop does not take. */
export function detectBrand(digits: string): CardBrand | undefined {
  if (digits.startsWith('4')) return 'visa';
  const two = Number(digits.slice(0, 2));
  if (two >= 51 && two <= 55) return 'mastercard';
  const four = Number(digits.slice(0, 4));
  if (digits.length >= 4 && four >= 2221 && four <= 2720) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  return undefined;
}

/** A card is valid through the last day of its expiry month (UTC), so only earlier months are past. */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear < year || (expYear === year && expMonth < month);
}

/** Amex prints a 4-digit code on the front; the others a 3-digit one on the back. */
export function cvcLength(brand: CardBrand): number {
  return brand === 'amex' ? 4 : 3;
}

export function cvcValid(cvc: string, brand: CardBrand): boolean {
  return new RegExp(`^\\d{${cvcLength(brand)}}$`).test(cvc);
}

// The conventional public test numbers; every other valid number is approved.
const TEST_CARDS: ReadonlyMap<string, Behaviour> = new Map([
  ['4242424242424242', 'approve'],
  ['4000000000000002', 'decline'],
  ['4000000000009995', 'insufficient-funds'],
]);

export function behaviourOf(digits: string): Behaviour {
  return TEST_CARDS.get(digits) ?? 'approve';
}

/** Checks a card as entered; returns what may be stored, or throws a ValidationError naming each bad field. */
export function checkCard(input: CardInput, now: Date): CardFacts {
  const problems: FieldProblem[] = [];
  const digits = normalizeNumber(input.cardNumber);
  let brand: CardBrand | undefined;
  if (digits === undefined) {
    problems.push({ field: 'body.cardNumber', message: 'must contain only digits (spaces and dashes are ignored)' });
  } else if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    problems.push({ field: 'body.cardNumber', message: `must have ${MIN_DIGITS} to ${MAX_DIGITS} digits` });
  } else if (!luhnValid(digits)) {
    problems.push({ field: 'body.cardNumber', message: 'is not a valid card number (check digit)' });
  } else {
    brand = detectBrand(digits);
    if (!brand) problems.push({ field: 'body.cardNumber', message: `is not a supported brand (${CARD_BRANDS.join(', ')})` });
  }

  if (isExpired(input.expMonth, input.expYear, now)) {
    const field = input.expYear < now.getUTCFullYear() ? 'body.expYear' : 'body.expMonth';
    problems.push({ field, message: 'the card has expired' });
  }

  if (brand ? !cvcValid(input.cvc, brand) : !/^\d{3,4}$/.test(input.cvc)) {
    problems.push({ field: 'body.cvc', message: brand ? `must be ${cvcLength(brand)} digits for ${brand}` : 'must be 3 or 4 digits' });
  }

  if (problems.length > 0 || !digits || !brand) throw new ValidationError(problems);
  return { brand, last4: digits.slice(-4), expMonth: input.expMonth, expYear: input.expYear, behaviour: behaviourOf(digits) };
}
