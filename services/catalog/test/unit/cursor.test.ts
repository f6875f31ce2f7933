import { ValidationError } from '@shop/kit';
import { decodeCursor, encodeCursor, type CursorPosition } from '../../src/domain/cursor';
import type { SortKey } from '../../src/domain/product';

const ID = '0dfeb6db-385b-5f8c-94fc-d5a2ded8bc48';
const raw = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('cursor', () => {
  it.each<CursorPosition>([
    { sort: 'price_asc', value: 4999, id: ID },
    { sort: 'price_desc', value: 0, id: ID },
    { sort: 'name_asc', value: 'Chef\'s Knife — Ümlaut 10"', id: ID },
    { sort: 'newest', value: '2024-06-24T01:26:47.518Z', id: ID },
    { sort: 'relevance', value: 0.0607927, id: ID },
  ])('when a $sort position is encoded, then decoding it for the same sort gives it back', (position) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, position.sort)).toEqual(position);
  });

  it('when a cursor is decoded for another sort, then it is a ValidationError on query.cursor', () => {
    const cursor = encodeCursor({ sort: 'price_asc', value: 4999, id: ID });
    expect(() => decodeCursor(cursor, 'price_desc')).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, 'price_desc')).toThrow(
      expect.objectContaining({ errors: [{ field: 'query.cursor', message: 'is not a valid cursor' }] }),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%^'],
    ['base64url but not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON array', raw([1, 2])],
    ['JSON null', raw(null)],
    ['missing id', raw({ s: 'price_asc', v: 1 })],
    ['an id that is not a UUID', raw({ s: 'price_asc', v: 1, id: "1' OR 1=1" })],
    ['a price that is not an integer', raw({ s: 'price_asc', v: 1.5, id: ID })],
    ['a price given as text', raw({ s: 'price_asc', v: '100', id: ID })],
    ['a negative price', raw({ s: 'price_asc', v: -1, id: ID })],
    ['a name given as a number', raw({ s: 'name_asc', v: 7, id: ID })],
    ['a timestamp that is not ISO UTC', raw({ s: 'newest', v: 'yesterday', id: ID })],
    ['an impossible date', raw({ s: 'newest', v: '2024-13-45T00:00:00Z', id: ID })],
    ['an unknown sort', raw({ s: 'random', v: 1, id: ID })],
    ['something far too long', 'A'.repeat(5000)],
  ])('when the cursor is %s, then it is rejected', (_what, cursor) => {
    expect(() => decodeCursor(cursor, 'price_asc')).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, 'newest')).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, 'name_asc')).toThrow(ValidationError);
  });

  // Issue 10: values that passed the old checks and failed the SQL (a 502) instead of the request.
  it.each<[string, string, SortKey]>([
    ['a price past the integer column', raw({ s: 'price_asc', v: 2_147_483_648, id: ID }), 'price_asc'],
    ['the largest safe integer as a price', raw({ s: 'price_desc', v: Number.MAX_SAFE_INTEGER, id: ID }), 'price_desc'],
    ['a rank too large for a real', raw({ s: 'relevance', v: 1e300, id: ID }), 'relevance'],
    ['a rank that underflows a real', raw({ s: 'relevance', v: 1e-50, id: ID }), 'relevance'],
    ['a name longer than the column', raw({ s: 'name_asc', v: 'n'.repeat(201), id: ID }), 'name_asc'],
    ['a name with NUL', raw({ s: 'name_asc', v: 'Lamp\u0000', id: ID }), 'name_asc'],
    ['30 February', raw({ s: 'newest', v: '2024-02-30T00:00:00.000Z', id: ID }), 'newest'],
    ['a date of "1"', raw({ s: 'newest', v: '1', id: ID }), 'newest'],
    ['a urn:uuid id', raw({ s: 'price_asc', v: 1, id: `urn:uuid:${ID}` }), 'price_asc'],
    ['an unknown key', raw({ s: 'price_asc', v: 1, id: ID, x: 1 }), 'price_asc'],
  ])('when the cursor holds %s, then it is a 400 invalid-cursor, never a query', (_what, cursor, sort) => {
    expect(() => decodeCursor(cursor, sort)).toThrow(expect.objectContaining({ status: 400, code: 'invalid-cursor' }));
  });

  it('when a rank is 0 or an ordinary real, then it is accepted', () => {
    expect(decodeCursor(raw({ s: 'relevance', v: 0, id: ID }), 'relevance').value).toBe(0);
    expect(decodeCursor(raw({ s: 'relevance', v: 1e-20, id: ID }), 'relevance').value).toBe(1e-20);
  });

  it('when the id is upper case, then it is decoded in the canonical lower case', () => {
    const cursor = raw({ s: 'newest', v: '2024-01-01T00:00:00.000Z', id: ID.toUpperCase() });
    expect(decodeCursor(cursor, 'newest').id).toBe(ID);
  });
});
