import { ValidationError } from '@shop/kit';
import { isEmailAddress, normalizeEmail } from '../../src/domain/email';
import { normalizeAddresses } from '../../src/domain/user';
import { decodeUserCursor, encodeUserCursor } from '../../src/domain/user-cursor';

const ID = '0dfeb6db-385b-4f8c-94fc-d5a2ded8bc48';
const address = { line1: ' 1 Main St ', city: 'Springfield', postalCode: '12345', country: 'US' };

describe('email', () => {
  it('when an email has blanks and capitals, then its normalized form is trimmed lower case', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM\t')).toBe('jane.doe@example.com');
  });

  it.each(['jane@example.com', 'jane+tag@sub.example.co.uk', 'ünïcode@exämple.de'])(
    'when the email is %s, then it is accepted',
    (email) => {
      expect(isEmailAddress(normalizeEmail(email))).toBe(true);
    },
  );

  it.each(['jane', 'jane@', '@example.com', 'jane@example', 'ja ne@example.com', 'a@b@example.com.', `${'a'.repeat(65)}@example.com`])(
    'when the email is %p, then it is refused',
    (email) => {
      expect(isEmailAddress(normalizeEmail(email))).toBe(false);
    },
  );
});

describe('normalizeAddresses', () => {
  it('when fields have blanks and empty optionals, then they are trimmed and dropped', () => {
    expect(normalizeAddresses([{ ...address, label: '  ', line2: ' Apt 4 ' }])).toEqual([
      { line1: '1 Main St', line2: 'Apt 4', city: 'Springfield', postalCode: '12345', country: 'US' },
    ]);
  });

  it('when a country is shaped like a code but not assigned, then the problem names that address', () => {
    const act = () => normalizeAddresses([address, { ...address, country: 'UK' }, { ...address, country: 'XX' }]);
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(
      expect.objectContaining({
        errors: [
          { field: 'body.addresses[1].country', message: 'must be an ISO 3166-1 alpha-2 country code' },
          { field: 'body.addresses[2].country', message: 'must be an ISO 3166-1 alpha-2 country code' },
        ],
      }),
    );
  });

  it('when there are more than ten addresses, then they are refused', () => {
    expect(() => normalizeAddresses(Array.from({ length: 11 }, () => address))).toThrow(
      expect.objectContaining({ errors: [{ field: 'body.addresses', message: 'must not have more than 10 items' }] }),
    );
  });
});

describe('user cursor', () => {
  it('when a position is encoded, then decoding gives it back', () => {
    const position = { createdAt: '2026-01-01T12:00:00.123Z', id: ID };
    expect(decodeUserCursor(encodeUserCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64url', 'abc$'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['without an id', Buffer.from(JSON.stringify({ c: '2026-01-01T12:00:00.123Z' })).toString('base64url')],
    [
      'with an id that is not a UUID',
      Buffer.from(JSON.stringify({ c: '2026-01-01T12:00:00.123Z', id: "1' OR 1=1" })).toString('base64url'),
    ],
    ['with a date that is not ISO', Buffer.from(JSON.stringify({ c: 'yesterday', id: ID })).toString('base64url')],
  ])('when the cursor is %s, then it is a 400 on query.cursor', (_what, raw) => {
    expect(() => decodeUserCursor(raw)).toThrow(
      expect.objectContaining({ errors: [{ field: 'query.cursor', message: 'is not a valid cursor' }] }),
    );
  });
});
