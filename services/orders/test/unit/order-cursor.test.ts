import { decodeOrderCursor, encodeOrderCursor } from '../../src/domain/order-cursor';

const ID = '7d0c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d';
const raw = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');

// Issue 10: a history cursor with `placedAt: "1"` passed Date.parse and failed the timestamptz cast (502).
describe('the order history cursor against tampering', () => {
  it('when a cursor made by the service is decoded, then it gives the position back', () => {
    const position = { placedAt: '2026-03-01T08:15:30.123Z', id: ID };
    expect(decodeOrderCursor(encodeOrderCursor(position))).toEqual(position);
  });

  it('when the id is upper case, then it is decoded in the canonical lower case', () => {
    expect(decodeOrderCursor(raw(['2026-03-01T08:15:30.123Z', ID.toUpperCase()])).id).toBe(ID);
  });

  it.each([
    ['placedAt "1"', raw(['1', ID])],
    ['30 February', raw(['2026-02-30T00:00:00.000Z', ID])],
    ['a date without time', raw(['2026-03-01', ID])],
    ['an id of 36 dashes', raw(['2026-03-01T08:15:30.123Z', '-'.repeat(36)])],
    ['a third item', raw(['2026-03-01T08:15:30.123Z', ID, 'x'])],
    ['one item', raw(['2026-03-01T08:15:30.123Z'])],
    ['an object', raw({ placedAt: '2026-03-01T08:15:30.123Z', id: ID })],
    ['not base64url', '*'],
  ])('when the cursor holds %s, then it is a 400 invalid-cursor on query.cursor', (_what, cursor) => {
    expect(() => decodeOrderCursor(cursor)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid-cursor',
        errors: [{ field: 'query.cursor', message: 'is not a valid cursor' }],
      }),
    );
  });
});
