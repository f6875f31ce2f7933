import { InvalidCursorError, ValidationError, fromCursor, isIsoInstant, isoInstantSchema, toCursor } from '../../src';

const ID = '0dfeb6db-385b-5f8c-94fc-d5a2ded8bc48';
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { at: isoInstantSchema, n: { type: 'integer', minimum: 0, maximum: 2_147_483_647 }, id: { type: 'string', format: 'uuid' } },
  required: ['at', 'n', 'id'],
} as const;
const raw = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const decode = (cursor: string) => fromCursor(cursor, schema, (p) => isIsoInstant(p.at));

describe('cursors', () => {
  it('when a position is made into a cursor, then the cursor gives it back', () => {
    const position = { at: '2026-02-28T23:59:59.999Z', n: 2_147_483_647, id: ID };
    expect(toCursor(position)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(toCursor(position))).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'ab+/='],
    ['far too long', 'A'.repeat(2000)],
    ['not JSON', Buffer.from('{"at":').toString('base64url')],
    ['a number past the integer column', raw({ at: '2026-01-01T00:00:00.000Z', n: 2_147_483_648, id: ID })],
    ['an unsafe number', raw({ at: '2026-01-01T00:00:00.000Z', n: 1e300, id: ID })],
    ['a negative number', raw({ at: '2026-01-01T00:00:00.000Z', n: -1, id: ID })],
    ['a date of "1"', raw({ at: '1', n: 1, id: ID })],
    ['30 February', raw({ at: '2026-02-30T00:00:00.000Z', n: 1, id: ID })],
    ['year 0', raw({ at: '0000-01-01T00:00:00.000Z', n: 1, id: ID })],
    ['a leap second', raw({ at: '2016-12-31T23:59:60.000Z', n: 1, id: ID })],
    ['an id that is not a UUID', raw({ at: '2026-01-01T00:00:00.000Z', n: 1, id: '------------------------------------' })],
    ['a urn:uuid id', raw({ at: '2026-01-01T00:00:00.000Z', n: 1, id: `urn:uuid:${ID}` })],
    ['an unknown key', raw({ at: '2026-01-01T00:00:00.000Z', n: 1, id: ID, x: 1 })],
    ['text with NUL', raw({ at: '2026-01-01T00:00:00.000Z\u0000', n: 1, id: ID })],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"at":"'), Buffer.from([0xff]), Buffer.from('"}')]).toString('base64url')],
  ])('when the cursor is %s, then it is a 400 invalid-cursor on query.cursor', (_what, cursor) => {
    expect(() => decode(cursor)).toThrow(InvalidCursorError);
    expect(() => decode(cursor)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid-cursor',
        errors: [{ field: 'query.cursor', message: 'is not a valid cursor' }],
      }),
    );
  });

  it('when a cursor is refused, then it is still a ValidationError (a 400 that names the field)', () => {
    expect(() => decode('x')).toThrow(ValidationError);
  });
});
