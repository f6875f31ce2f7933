import { decodeUserCursor, encodeUserCursor } from '../../src/domain/user-cursor';

const ID = '5a4c8f0e-1b2d-4e3f-8a9b-0c1d2e3f4a5b';
const raw = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');

// Issue 10: the admin's account list is paged by (createdAt, id); a tampered cursor must never reach SQL.
describe('the admin user cursor against tampering', () => {
  it('when a cursor made by the service is decoded, then it gives the position back', () => {
    const position = { createdAt: '2024-02-29T00:00:00.000Z', id: ID };
    expect(decodeUserCursor(encodeUserCursor(position))).toEqual(position);
  });

  it.each([
    ['30 February', raw({ c: '2026-02-30T12:00:00.000Z', id: ID })],
    ['a date of "1"', raw({ c: '1', id: ID })],
    ['year 0', raw({ c: '0000-01-01T00:00:00.000Z', id: ID })],
    ['a date with an offset PostgreSQL refuses', raw({ c: '2026-01-01T00:00:00.000+99:00', id: ID })],
    ['a urn:uuid id', raw({ c: '2026-01-01T00:00:00.000Z', id: `urn:uuid:${ID}` })],
    ['an id of dashes', raw({ c: '2026-01-01T00:00:00.000Z', id: '-'.repeat(36) })],
    ['a JSON array', raw(['2026-01-01T00:00:00.000Z', ID])],
    ['extra keys', raw({ c: '2026-01-01T00:00:00.000Z', id: ID, role: 'admin' })],
  ])('when the cursor holds %s, then it is a 400 invalid-cursor on query.cursor', (_what, cursor) => {
    expect(() => decodeUserCursor(cursor)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid-cursor',
        errors: [{ field: 'query.cursor', message: 'is not a valid cursor' }],
      }),
    );
  });
});
