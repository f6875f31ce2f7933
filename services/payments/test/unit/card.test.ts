import { ValidationError } from '@shop/kit';
import {
  behaviourOf,
  checkCard,
  cvcValid,
  detectBrand,
  isExpired,
  luhnValid,
  normalizeNumber,
  type CardInput,
} from '../../src/domain/card';

const NOW = new Date('2026-11-30T10:00:00Z');
const valid: CardInput = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

/** The problems a card is refused with (fails the test if it is accepted). */
function problemsOf(input: Partial<CardInput>): { field: string; message: string }[] {
  try {
    checkCard({ ...valid, ...input }, NOW);
  } catch (e) {
    if (e instanceof ValidationError) return e.errors ?? [];
    throw e;
  }
  throw new Error('the card was accepted');
}

describe('normalizeNumber', () => {
  it('when a number is typed with spaces and dashes, then only its digits remain', () => {
    expect(normalizeNumber('4242 4242-4242 4242')).toBe('4242424242424242');
  });

  it.each(['4242x4242', '4242.4242.4242.4242', '', '  ', '٤٢٤٢'])('when %p has characters other than digits, then undefined', (raw) => {
    expect(normalizeNumber(raw)).toBeUndefined();
  });
});

describe('luhnValid', () => {
  it.each(['4242424242424242', '4000000000000002', '4000000000009995', '5555555555554444', '378282246310005', '79927398713'])(
    'when %s carries a correct check digit, then it is valid',
    (digits) => expect(luhnValid(digits)).toBe(true),
  );

  it.each(['4242424242424241', '79927398710', '1234567812345678', 'abc'])('when %s does not, then it is invalid', (digits) => {
    expect(luhnValid(digits)).toBe(false);
  });
});

describe('detectBrand', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['5105105105105100', 'mastercard'],
    ['5555555555554444', 'mastercard'],
    ['2221000000000009', 'mastercard'],
    ['2720990000000007', 'mastercard'],
    ['340000000000009', 'amex'],
    ['378282246310005', 'amex'],
  ])('when the number is %s, then the brand is %s', (digits, brand) => {
    expect(detectBrand(digits)).toBe(brand);
  });

  it.each(['5000000000000009', '5600000000000003', '2220990000000008', '2721000000000004', '6011111111111117', '3530111333300000'])(
    'when the number is %s (outside the accepted ranges), then no brand',
    (digits) => expect(detectBrand(digits)).toBeUndefined(),
  );
});

describe('isExpired', () => {
  it('when the card expires this month, then it is still valid (month granularity)', () => {
    expect(isExpired(11, 2026, NOW)).toBe(false);
    expect(isExpired(11, 2026, new Date('2026-11-30T23:59:59Z'))).toBe(false);
  });

  it('when the expiry month is over, then it is expired', () => {
    expect(isExpired(10, 2026, NOW)).toBe(true);
    expect(isExpired(12, 2025, NOW)).toBe(true);
    expect(isExpired(11, 2026, new Date('2026-12-01T00:00:00Z'))).toBe(true);
  });

  it('when the expiry is in a later month or year, then it is valid', () => {
    expect(isExpired(12, 2026, NOW)).toBe(false);
    expect(isExpired(1, 2027, NOW)).toBe(false);
  });
});

describe('cvcValid', () => {
  it('when the brand is amex, then exactly 4 digits are required', () => {
    expect(cvcValid('1234', 'amex')).toBe(true);
    expect(cvcValid('123', 'amex')).toBe(false);
  });

  it.each(['visa', 'mastercard'] as const)('when the brand is %s, then exactly 3 digits are required', (brand) => {
    expect(cvcValid('123', brand)).toBe(true);
    expect(cvcValid('1234', brand)).toBe(false);
    expect(cvcValid('12a', brand)).toBe(false);
    expect(cvcValid('', brand)).toBe(false);
  });
});

describe('behaviourOf', () => {
  it.each([
    ['4242424242424242', 'approve'],
    ['4000000000000002', 'decline'],
    ['4000000000009995', 'insufficient-funds'],
    ['5555555555554444', 'approve'],
    ['378282246310005', 'approve'],
  ])('when the card is %s, then the simulated processor will %s', (digits, behaviour) => {
    expect(behaviourOf(digits)).toBe(behaviour);
  });
});

describe('checkCard', () => {
  it('when the card is valid, then only its display facts and behaviour come out', () => {
    const facts = checkCard({ ...valid, cardNumber: '4000 0000 0000 0002' }, NOW);
    expect(facts).toEqual({ brand: 'visa', last4: '0002', expMonth: 12, expYear: 2030, behaviour: 'decline' });
    expect(JSON.stringify(facts)).not.toContain('4000000000000002');
  });

  it('when an amex card has a 4-digit CVC, then it is accepted', () => {
    expect(checkCard({ cardNumber: '3782-822463-10005', expMonth: 1, expYear: 2027, cvc: '1234' }, NOW)).toMatchObject({
      brand: 'amex',
      last4: '0005',
    });
  });

  it.each([
    ['letters in it', '4242-4242-4242-424x', 'must contain only digits (spaces and dashes are ignored)'],
    ['11 digits', '42424242424', 'must have 12 to 19 digits'],
    ['20 digits', '42424242424242424242', 'must have 12 to 19 digits'],
    ['a wrong check digit', '4242424242424241', 'is not a valid card number (check digit)'],
    ['an unsupported brand', '6011111111111117', 'is not a supported brand (visa, mastercard, amex)'],
  ])('when the number has %s, then body.cardNumber is refused without echoing it', (_what, cardNumber, message) => {
    const problems = problemsOf({ cardNumber });
    expect(problems).toEqual([{ field: 'body.cardNumber', message }]);
    expect(JSON.stringify(problems)).not.toContain(cardNumber.replace(/\D/g, '').slice(0, 8));
  });

  it('when the expiry year is past, then body.expYear is named; when only the month is, then body.expMonth', () => {
    expect(problemsOf({ expMonth: 12, expYear: 2025 })).toEqual([{ field: 'body.expYear', message: 'the card has expired' }]);
    expect(problemsOf({ expMonth: 10, expYear: 2026 })).toEqual([{ field: 'body.expMonth', message: 'the card has expired' }]);
  });

  it.each([
    ['4242424242424242', '1234', 'must be 3 digits for visa'],
    ['5555555555554444', '12', 'must be 3 digits for mastercard'],
    ['378282246310005', '123', 'must be 4 digits for amex'],
    ['4242424242424242', 'abc', 'must be 3 digits for visa'],
  ])('when card %s has CVC %p, then body.cvc is refused: %s', (cardNumber, cvc, message) => {
    const problems = problemsOf({ cardNumber, cvc });
    expect(problems).toEqual([{ field: 'body.cvc', message }]);
    expect(JSON.stringify(problems)).not.toContain(cvc);
  });

  it('when several fields are wrong, then each is named once', () => {
    const fields = problemsOf({ cardNumber: '4242424242424241', expYear: 2020, cvc: '1' }).map((p) => p.field);
    expect(fields).toEqual(['body.cardNumber', 'body.expYear', 'body.cvc']);
  });

  it('when a card is refused, then the error message does not contain the number', () => {
    const act = () => checkCard({ ...valid, cardNumber: '4242424242424241' }, NOW);
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(expect.objectContaining({ message: expect.not.stringContaining('4242424242424241') }));
  });
});
