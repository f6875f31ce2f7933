import { InvalidRefreshTokenError } from '../../src/domain/errors';
import { hashRefreshToken } from '../../src/domain/refresh-token';
import { RefreshTokens } from '../../src/use-cases/refresh-tokens';
import { InMemoryRefreshTokenStore } from '../fakes/in-memory-stores';

const USER = '0dfeb6db-385b-4f8c-94fc-d5a2ded8bc48';
const DAY = 86_400_000;

function setUp() {
  const store = new InMemoryRefreshTokenStore();
  let now = Date.parse('2026-01-01T12:00:00.000Z');
  const tokens = new RefreshTokens(store, 14 * 86_400, () => new Date(now));
  return { store, tokens, advance: (ms: number) => (now += ms) };
}

describe('RefreshTokens', () => {
  it('when a token is issued, then only its SHA-256 is stored, with a 14-day expiry', async () => {
    const { store, tokens } = setUp();
    const token = await tokens.issue(USER);
    const [row] = [...store.rows.values()];
    expect(row).toMatchObject({ tokenHash: hashRefreshToken(token), userId: USER, usedAt: null, revokedAt: null });
    expect(row!.expiresAt.toISOString()).toBe('2026-01-15T12:00:00.000Z');
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('when a token is rotated, then the successor is in the same family and the old one is spent', async () => {
    const { store, tokens } = setUp();
    const first = await tokens.issue(USER);
    const { userId, refreshToken } = await tokens.rotate(first);
    expect(userId).toBe(USER);
    expect(refreshToken).not.toBe(first);
    const old = await store.findByHash(hashRefreshToken(first));
    const next = await store.findByHash(hashRefreshToken(refreshToken));
    expect(old!.usedAt).not.toBeNull();
    expect(next).toMatchObject({ familyId: old!.familyId, usedAt: null, revokedAt: null });
  });

  it('when a spent token is presented again, then 401 and the whole family (the successor too) is revoked', async () => {
    const { tokens } = setUp();
    const first = await tokens.issue(USER);
    const { refreshToken: second } = await tokens.rotate(first);
    await expect(tokens.rotate(first)).rejects.toThrow(InvalidRefreshTokenError);
    await expect(tokens.rotate(second)).rejects.toThrow(InvalidRefreshTokenError);
  });

  it('when reuse revokes a family, then other families of the same user keep working', async () => {
    const { tokens } = setUp();
    const stolen = await tokens.issue(USER);
    const otherDevice = await tokens.issue(USER);
    await tokens.rotate(stolen);
    await expect(tokens.rotate(stolen)).rejects.toThrow(InvalidRefreshTokenError);
    await expect(tokens.rotate(otherDevice)).resolves.toMatchObject({ userId: USER });
  });

  it('when two refreshes race with the same token, then one wins and the family is revoked for both', async () => {
    const { store, tokens } = setUp();
    const token = await tokens.issue(USER);
    // The second refresh read the row before the first spent it: the store's conditional rotate decides.
    const stale = await store.findByHash(hashRefreshToken(token));
    jest.spyOn(store, 'findByHash').mockResolvedValueOnce(stale).mockResolvedValueOnce(stale);
    const results = await Promise.allSettled([tokens.rotate(token), tokens.rotate(token)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = results.find((r) => r.status === 'fulfilled')!.value.refreshToken;
    await expect(tokens.rotate(winner)).rejects.toThrow(InvalidRefreshTokenError);
  });

  it('when a token has expired, then it is refused', async () => {
    const { tokens, advance } = setUp();
    const token = await tokens.issue(USER);
    advance(14 * DAY);
    await expect(tokens.rotate(token)).rejects.toThrow(InvalidRefreshTokenError);
  });

  it('when a token is rotated, then its successor lives another 14 days from now', async () => {
    const { tokens, advance } = setUp();
    const first = await tokens.issue(USER);
    advance(13 * DAY);
    const { refreshToken } = await tokens.rotate(first);
    advance(13 * DAY);
    await expect(tokens.rotate(refreshToken)).resolves.toMatchObject({ userId: USER });
  });

  it('when the session is logged out, then every token of the family is refused', async () => {
    const { tokens } = setUp();
    const first = await tokens.issue(USER);
    const { refreshToken } = await tokens.rotate(first);
    await tokens.revoke(refreshToken);
    await expect(tokens.rotate(refreshToken)).rejects.toThrow(InvalidRefreshTokenError);
  });

  it.each([
    ['unknown', 'A'.repeat(43)],
    ['not of our shape', 'not-a-token'],
    ['empty', ''],
  ])('when the token is %s, then it is refused and logout ignores it', async (_what, token) => {
    const { tokens } = setUp();
    await expect(tokens.rotate(token)).rejects.toThrow(InvalidRefreshTokenError);
    await expect(tokens.revoke(token)).resolves.toBeUndefined();
  });

  it('when someone logs in, then tokens that expired over a week ago are deleted, and younger ones kept', async () => {
    const { store, tokens, advance } = setUp();
    const old = await tokens.issue(USER); // expires on day 14
    advance(10 * DAY);
    await tokens.issue(USER); // expires on day 24
    advance(12 * DAY); // day 22: the first expired 8 days ago, the second has 2 days left
    await tokens.issue(USER);
    const hashes = [...store.rows.values()].map((r) => r.tokenHash);
    expect(hashes).toHaveLength(2);
    expect(hashes).not.toContain(hashRefreshToken(old));
    advance(5 * DAY); // day 27: the second expired 3 days ago, within the week: kept
    await tokens.issue(USER);
    expect(store.rows.size).toBe(3);
  });
});
